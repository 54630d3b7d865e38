// Masked-LM corruption as BERT / RoBERTa pretraining does it, and a BatchSource that applies it.
//
// Torch header. Of the positions that are neither padding (attention_mask 0) nor special tokens,
// each is selected with mask_probability; selected positions get labels = the original token
// (-100 elsewhere) and are replaced by <mask> with probability 0.8, by a uniformly random token
// with 0.1, and kept with 0.1. Randomness comes only from the generator passed in, so masking is
// reproducible.
#pragma once

#include <torch/torch.h>

#include <memory>
#include <vector>

#include "model/batch.h"

namespace xstilts {

struct MlmMaskingOptions {
  double mask_probability = 0.15;
  double mask_token_fraction = 0.8;    // of the selected positions
  double random_token_fraction = 0.1;  // of the selected positions
  int64_t mask_token_id = 250001;      // XLM-R's <mask>
  int64_t vocab_size = 250002;
  std::vector<int64_t> special_token_ids = {0, 1, 2, 3};  // <s> <pad> </s> <unk> in XLM-R
};

struct MaskedTokens {
  torch::Tensor input_ids;  // corrupted copy
  torch::Tensor labels;     // original ids at selected positions, -100 elsewhere
};

// input_ids [B, S] int64 on the CPU; attention_mask may be undefined (no padding).
MaskedTokens MaskTokensForMlm(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                              const MlmMaskingOptions& options, torch::Generator& generator);

// Wraps a source of plain token batches; batch k is masked with a generator seeded from
// (seed, k), so State() = inner state + k is all a resume needs.
class MlmBatchSource : public BatchSource {
 public:
  MlmBatchSource(std::unique_ptr<BatchSource> inner, MlmMaskingOptions options, uint64_t seed);
  Batch Next() override;
  std::vector<int64_t> State() const override;
  Status Restore(const std::vector<int64_t>& state) override;

 private:
  std::unique_ptr<BatchSource> inner_;
  MlmMaskingOptions options_;
  uint64_t seed_;
  int64_t batches_ = 0;
};

}  // namespace xstilts
