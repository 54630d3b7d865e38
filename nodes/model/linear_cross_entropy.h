// The output layer and its cross entropy in one pass over row chunks: the masked-LM loss without
// ever holding the [rows, vocab] logits, their log-softmax or their gradient whole.
#pragma once

#include <torch/torch.h>

namespace xstilts {

// Mean over the rows whose label is not kIgnoreLabel (-100) of
//   cross_entropy(x [N, H] @ weight [V, H]^T + bias [V], labels [N]),
// as torch's linear + cross_entropy(ignore_index=-100) compute it; zero, still attached to the
// graph, when every label is ignored. Differentiable in x, weight and bias.
//
// CPU float32 only (the caller falls back to the unfused ops elsewhere). Rows are processed in
// chunks of `chunk_rows` (0: chosen from V): for each chunk the logits, their log-softmax and the
// gradient live in two chunk-sized buffers reused from chunk to chunk, and the gradients of x,
// weight and bias are computed during the forward pass (the loss is the end of the graph), so
// backward only scales them by the incoming gradient. Every logit of every row is computed,
// labelled or not: the same arithmetic as the unfused ops, with about a third fewer passes over
// [N, V] memory and no fresh [N, V] allocations.
torch::Tensor LinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& labels, int64_t chunk_rows = 0);

// Whether LinearCrossEntropy supports these operands (CPU float32, no autocast).
bool CanFuseLinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight);

}  // namespace xstilts
