// FlatAdamW: AdamW (decoupled weight decay, Loshchilov & Hutter; the update of torch.optim.AdamW)
// over parameters re-homed into two contiguous buffers, one with weight decay and one without
// (biases and LayerNorm weights, as Hugging Face excludes them), with the two moment buffers
// laid out the same way. On the CPU the update is one fused pass per parameter over parameter,
// gradient and both moments, instead of the ~8 memory passes of a per-op AdamW.
//
// Gradients stay autograd's own tensors (ZeroGrad resets them to undefined, so backward hands
// over its result without an extra accumulation pass); parameters without a gradient are left
// untouched, as torch.optim does.
//
// Torch header. Construction changes every parameter's storage to a view of the flat buffer:
// build it after the model is on its device, and do not move the model afterwards. Tied
// parameters (same tensor) are held once. Not thread-safe.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace xstilts {

struct AdamWOptions {
  double beta1 = 0.9;
  double beta2 = 0.999;
  double eps = 1e-8;
  double weight_decay = 0.01;
};

// Hugging Face's rule: no weight decay for biases and LayerNorm / layer_norm weights.
bool ExcludedFromWeightDecay(const std::string& parameter_name);

class FlatAdamW {
 public:
  FlatAdamW(const std::vector<std::pair<std::string, torch::Tensor>>& named_parameters, AdamWOptions options,
            std::function<bool(const std::string&)> no_decay = ExcludedFromWeightDecay);

  void ZeroGrad();
  // Total L2 norm of all gradients. When above max_norm (> 0), the next Step() scales gradients
  // by max_norm / (norm + 1e-6), as torch.nn.utils.clip_grad_norm_ does.
  double ClipGradNorm(double max_norm);
  // One update at learning rate `lr`; gradients must be set (ZeroGrad, backward).
  void Step(double lr);

  int64_t steps() const { return steps_; }
  int64_t num_parameters() const;
  // Optimizer state for checkpoints: exp_avg / exp_avg_sq per group plus the step count.
  std::vector<std::pair<std::string, torch::Tensor>> StateTensors() const;
  // kCorrupt naming the tensor when one is missing or has the wrong size.
  Status LoadStateTensors(const std::vector<std::pair<std::string, torch::Tensor>>& state,
                          const std::string& source);

 private:
  struct Member {
    torch::Tensor param;  // a view of Group::params at `offset`
    int64_t offset = 0;
  };
  struct Group {
    std::string name;  // "decay" / "no_decay"
    double weight_decay = 0;
    torch::Tensor params, exp_avg, exp_avg_sq;  // flat, same length
    std::vector<Member> members;
  };
  void UpdateGroup(Group& group, double lr, double grad_scale);

  AdamWOptions options_;
  std::vector<Group> groups_;
  int64_t steps_ = 0;
  double pending_grad_scale_ = 1.0;
};

}  // namespace xstilts
