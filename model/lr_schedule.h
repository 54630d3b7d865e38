// Learning-rate schedule: linear warmup from 0 to the peak, then linear decay to 0 at the last
// step, as Hugging Face's get_linear_schedule_with_warmup. Torch-free, header-only, stateless:
// the rate of update k (0-based) is a function of k alone, so a resumed run needs no state.
#pragma once

#include <algorithm>
#include <cstdint>

namespace xstilts {

class LinearWarmupDecay {
 public:
  LinearWarmupDecay(double peak, int64_t warmup_steps, int64_t total_steps)
      : peak_(peak), warmup_(std::max<int64_t>(warmup_steps, 0)), total_(total_steps) {}

  // Update k uses LearningRate(k): 0 at k = 0 when there is warmup, the peak at k = warmup.
  double LearningRate(int64_t step) const {
    if (step < warmup_) return peak_ * static_cast<double>(step) / static_cast<double>(warmup_);
    if (total_ <= warmup_) return peak_;
    return peak_ * std::max(0.0, static_cast<double>(total_ - step) / static_cast<double>(total_ - warmup_));
  }

 private:
  double peak_;
  int64_t warmup_;
  int64_t total_;
};

}  // namespace xstilts
