// Batch: the tensors one training or evaluation step consumes, and BatchSource, the interface
// the trainer pulls them from.
//
// Torch header (for torch code only). Layouts, all int64:
//   input_ids, attention_mask, token_type_ids: [B, S], or [B, C, S] for multiple choice (C choices)
//   labels: [B] class / choice index, [B, S] token labels (-100 = ignored, e.g. non-first
//           sub-tokens and padding), [B, S] masked-LM targets (-100 = not masked)
//   start_positions, end_positions: [B] token indices of the answer span
// attention_mask and token_type_ids may be left undefined (no padding, all type 0).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace xstilts {

constexpr int64_t kIgnoreLabel = -100;

struct Batch {
  std::string task;  // the head that consumes it; empty when the model has one head
  torch::Tensor input_ids;
  torch::Tensor attention_mask;
  torch::Tensor token_type_ids;
  torch::Tensor labels;
  torch::Tensor start_positions;
  torch::Tensor end_positions;

  // Tokens that are not padding (all positions when attention_mask is undefined).
  int64_t NumTokens() const;
  // A copy with every defined tensor on `device` (non_blocking where possible).
  Batch To(const torch::Device& device) const;
};

// An endless, resumable stream of batches: sources cycle over their data epoch after epoch.
// State() is a small integer vector that lets Restore() continue exactly where State() was taken
// (for bit-identical resume). Called from one thread.
class BatchSource {
 public:
  virtual ~BatchSource() = default;
  virtual Batch Next() = 0;
  virtual std::vector<int64_t> State() const = 0;
  // kInvalidInput when `state` was not produced by a source of this kind and size.
  virtual Status Restore(const std::vector<int64_t>& state) = 0;
};

// Batches of a fixed in-memory dataset: every tensor field given in `examples` is indexed on its
// first dimension; each epoch visits the examples in a fresh order drawn from `seed` and the
// epoch number (or in order when `shuffle` is false). The last partial batch is kept.
class TensorBatchSource : public BatchSource {
 public:
  TensorBatchSource(Batch examples, int64_t batch_size, bool shuffle, uint64_t seed);
  Batch Next() override;
  std::vector<int64_t> State() const override;  // {epoch, position}
  Status Restore(const std::vector<int64_t>& state) override;
  int64_t size() const { return size_; }

 private:
  void StartEpoch();

  Batch examples_;
  int64_t size_;
  int64_t batch_size_;
  bool shuffle_;
  uint64_t seed_;
  int64_t epoch_ = 0;
  int64_t position_ = 0;
  torch::Tensor order_;
};

}  // namespace xstilts
