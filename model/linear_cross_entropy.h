// The output layer and its cross entropy in one pass over row chunks: the masked-LM loss without
// ever holding the [rows, vocab] logits, their log-softmax or their gradient whole.
#pragma once

#include <torch/torch.h>

namespace xstilts {

// Mean over the rows whose label is not kIgnoreLabel (-100) of
//   cross_entropy(x [N, H] @ weight [V, H]^T + bias [V], labels [N]),
// as torch's linear + cross_entropy(ignore_index=-100) compute it; zero, still attached to the
// graph (zero gradients), when every label is ignored or N is 0.
//
// Operands: CPU float32 (the caller uses the unfused ops elsewhere); labels CPU int64, each in
// [0, V) or -100. Throws c10::Error otherwise.
//
// Rows are processed in chunks of `chunk_rows` (0: at least 256, more for small vocabularies):
// for each chunk the logits, their log-softmax and the gradient live in two chunk-sized buffers
// reused from chunk to chunk. Every logit of every row is computed, labelled or not: the same
// arithmetic as the unfused ops, with fewer passes over [N, V] memory and no [N, V] allocation.
//
// Gradients: those of x, weight and bias (only the ones that require grad) are computed in the
// forward pass, the loss being the end of the graph, and backward only scales them by the
// incoming gradient. Hence: differentiable once (a second derivative through create_graph throws;
// so does a second backward through retain_graph), and an in-place change to x or weight between
// forward and backward is not detected (the gradients already used the old values).
torch::Tensor LinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& labels, int64_t chunk_rows = 0);

// Whether LinearCrossEntropy supports these operands (CPU float32, no autocast).
bool CanFuseLinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight);

}  // namespace xstilts
