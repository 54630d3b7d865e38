#include "nodes/model/linear_cross_entropy.h"

#include <ATen/autocast_mode.h>

#include <algorithm>

#include "nodes/model/batch.h"

namespace xstilts {
namespace {

// Rows per chunk: enough that the weight-gradient product of a chunk (K = rows) runs near the
// matmul peak, few enough that a chunk's two buffers stay a small fraction of the full logits.
int64_t DefaultChunkRows(int64_t vocab) {
  constexpr int64_t kChunkFloats = int64_t{1} << 21;  // 8 MiB per buffer
  return std::max<int64_t>(256, kChunkFloats / std::max<int64_t>(vocab, 1));
}

class LinearCrossEntropyFunction : public torch::autograd::Function<LinearCrossEntropyFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& labels_in,
                               int64_t chunk_rows, bool need_grad) {
    const torch::Tensor x = x_in.contiguous();
    const torch::Tensor labels = labels_in.reshape({-1});
    const int64_t rows = x.size(0), vocab = weight.size(0);
    const torch::Tensor valid = labels.ne(kIgnoreLabel);
    const int64_t count = valid.sum().item<int64_t>();
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (need_grad) {
      grad_x = torch::zeros_like(x);
      grad_weight = torch::zeros_like(weight);
      grad_bias = torch::zeros_like(bias);
    }
    torch::Tensor loss_sum = torch::zeros({}, x.options().dtype(torch::kDouble));
    if (count > 0) {
      const double scale = 1.0 / static_cast<double>(count);
      const int64_t chunk = std::min(rows, chunk_rows > 0 ? chunk_rows : DefaultChunkRows(vocab));
      torch::Tensor logits_buffer = torch::empty({chunk, vocab}, x.options());
      torch::Tensor log_probs_buffer = torch::empty({chunk, vocab}, x.options());
      const torch::Tensor weight_t = weight.t();
      for (int64_t first = 0; first < rows; first += chunk) {
        const int64_t n = std::min(chunk, rows - first);
        const torch::Tensor x_chunk = x.narrow(0, first, n);
        const torch::Tensor valid_chunk = valid.narrow(0, first, n);
        // Ignored rows take label 0 for the gathers and are masked out of the sums.
        const torch::Tensor target = labels.narrow(0, first, n).clamp_min(0).unsqueeze(1);
        torch::Tensor logits = logits_buffer.narrow(0, 0, n);
        torch::Tensor log_probs = log_probs_buffer.narrow(0, 0, n);
        at::addmm_out(logits, bias, x_chunk, weight_t);
        at::_log_softmax_out(log_probs, logits, 1, false);
        const torch::Tensor picked = log_probs.gather(1, target).squeeze(1);
        loss_sum -= picked.masked_select(valid_chunk).sum().to(torch::kDouble);
        if (!need_grad) continue;
        // d loss / d logits = (softmax - one_hot(label)) / count on labelled rows, 0 elsewhere.
        torch::Tensor grad_logits = log_probs.exp_();
        grad_logits.scatter_add_(1, target, valid_chunk.to(x.scalar_type()).neg().unsqueeze(1));
        if (valid_chunk.logical_not().any().item<bool>()) grad_logits.masked_fill_(valid_chunk.logical_not().unsqueeze(1), 0);
        torch::Tensor grad_x_chunk = grad_x.narrow(0, first, n);
        at::mm_out(grad_x_chunk, grad_logits, weight).mul_(scale);
        grad_weight.addmm_(grad_logits.t(), x_chunk, 1.0, scale);
        grad_bias.add_(grad_logits.sum(0), scale);
      }
      loss_sum *= scale;
    }
    if (need_grad) ctx->save_for_backward({grad_x, grad_weight, grad_bias});
    return loss_sum.to(x.scalar_type());
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    const auto saved = ctx->get_saved_variables();
    const torch::Tensor& g = grads[0];
    return {saved[0] * g, saved[1] * g, saved[2] * g, torch::Tensor(), torch::Tensor(), torch::Tensor()};
  }
};

}  // namespace

bool CanFuseLinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight) {
  return x.is_cpu() && weight.is_cpu() && x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat &&
         !at::autocast::is_cpu_enabled();
}

torch::Tensor LinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& labels, int64_t chunk_rows) {
  TORCH_CHECK(CanFuseLinearCrossEntropy(x, weight), "LinearCrossEntropy: CPU float32 operands only");
  TORCH_CHECK(x.dim() == 2 && weight.dim() == 2 && x.size(1) == weight.size(1) && bias.dim() == 1 &&
                  bias.size(0) == weight.size(0) && labels.numel() == x.size(0),
              "LinearCrossEntropy: x [N, H], weight [V, H], bias [V], labels [N] expected, got ", x.sizes(), ", ",
              weight.sizes(), ", ", bias.sizes(), ", ", labels.sizes());
  const bool need_grad =
      torch::GradMode::is_enabled() && (x.requires_grad() || weight.requires_grad() || bias.requires_grad());
  return LinearCrossEntropyFunction::apply(x, weight, bias, labels, chunk_rows, need_grad);
}

}  // namespace xstilts
