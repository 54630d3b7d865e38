#include "model/linear_cross_entropy.h"

#include <ATen/autocast_mode.h>

#include <algorithm>

#include "model/batch.h"

namespace xstilts {
namespace {

// Rows per chunk: at least 256, so that the weight-gradient product of a chunk (K = rows) runs
// near the matmul peak; more while a buffer stays within 8 MiB (vocabularies under 8,192 words).
// With XLM-R's 250,002 words the two buffers hold 2 x 256 MB.
int64_t DefaultChunkRows(int64_t vocab) {
  constexpr int64_t kChunkFloats = int64_t{1} << 21;
  return std::max<int64_t>(256, kChunkFloats / std::max<int64_t>(vocab, 1));
}

struct WantedGradients {
  bool x = false, weight = false, bias = false;
  bool any() const { return x || weight || bias; }
};

class LinearCrossEntropyFunction : public torch::autograd::Function<LinearCrossEntropyFunction> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x_in,
                               const torch::Tensor& weight, const torch::Tensor& bias, const torch::Tensor& labels_in,
                               int64_t chunk_rows, bool want_x, bool want_weight, bool want_bias) {
    const WantedGradients want{want_x, want_weight, want_bias};
    const torch::Tensor x = x_in.contiguous();
    const torch::Tensor labels = labels_in.reshape({-1});
    const int64_t rows = x.size(0), vocab = weight.size(0);
    const torch::Tensor valid = labels.ne(kIgnoreLabel);
    const int64_t count = valid.sum().item<int64_t>();
    torch::Tensor grad_x, grad_weight, grad_bias;
    if (want.x) grad_x = count > 0 ? torch::empty_like(x) : torch::zeros_like(x);
    if (want.weight) grad_weight = count > 0 ? torch::empty_like(weight) : torch::zeros_like(weight);
    if (want.bias) grad_bias = torch::zeros_like(bias);
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
        if (!want.any()) continue;
        // d loss / d logits = (softmax - one_hot(label)) / count on labelled rows, 0 elsewhere.
        torch::Tensor grad_logits = log_probs.exp_();
        grad_logits.scatter_add_(1, target, valid_chunk.to(x.scalar_type()).neg().unsqueeze(1));
        const torch::Tensor ignored = valid_chunk.logical_not();
        if (ignored.any().item<bool>()) grad_logits.masked_fill_(ignored.unsqueeze(1), 0);
        if (want.x) {
          torch::Tensor grad_x_chunk = grad_x.narrow(0, first, n);
          at::addmm_out(grad_x_chunk, grad_x_chunk, grad_logits, weight, /*beta=*/0, /*alpha=*/scale);
        }
        // The first chunk overwrites (beta 0 ignores the uninitialised values), the rest add.
        if (want.weight) grad_weight.addmm_(grad_logits.t(), x_chunk, /*beta=*/first == 0 ? 0.0 : 1.0, scale);
        if (want.bias) grad_bias.add_(grad_logits.sum(0), scale);
      }
      loss_sum *= scale;
    }
    // Kept outside save_for_backward: backward scales them in place and hands them over once.
    ctx->saved_data["grad_x"] = grad_x;
    ctx->saved_data["grad_weight"] = grad_weight;
    ctx->saved_data["grad_bias"] = grad_bias;
    return loss_sum.to(x.scalar_type());
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    TORCH_CHECK(!torch::GradMode::is_enabled(),
                "LinearCrossEntropy is differentiable once: its gradients are computed in the forward pass, "
                "so a second derivative (create_graph) is not available");
    TORCH_CHECK(ctx->saved_data.count("grad_x") != 0,
                "LinearCrossEntropy: backward ran twice on one forward (retain_graph is not supported)");
    const torch::Tensor& g = grads[0];
    auto take = [&](const char* key) {
      const c10::IValue& saved = ctx->saved_data[key];
      torch::Tensor t = saved.isTensor() ? saved.toTensor() : torch::Tensor();
      if (t.defined() && !(g.numel() == 1 && g.item<double>() == 1.0)) t.mul_(g);
      return t;
    };
    torch::autograd::tensor_list out = {take("grad_x"), take("grad_weight"), take("grad_bias")};
    ctx->saved_data.clear();
    out.resize(8);  // no gradient for labels, chunk_rows and the three flags
    return out;
  }
};

}  // namespace

bool CanFuseLinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight) {
  return x.is_cpu() && weight.is_cpu() && x.scalar_type() == torch::kFloat && weight.scalar_type() == torch::kFloat &&
         !at::autocast::is_cpu_enabled();
}

torch::Tensor LinearCrossEntropy(const torch::Tensor& x, const torch::Tensor& weight, const torch::Tensor& bias,
                                 const torch::Tensor& labels, int64_t chunk_rows) {
  TORCH_CHECK(CanFuseLinearCrossEntropy(x, weight) && bias.is_cpu() && bias.scalar_type() == torch::kFloat,
              "LinearCrossEntropy: CPU float32 operands only");
  TORCH_CHECK(x.dim() == 2 && weight.dim() == 2 && x.size(1) == weight.size(1) && bias.dim() == 1 &&
                  bias.size(0) == weight.size(0) && labels.numel() == x.size(0),
              "LinearCrossEntropy: x [N, H], weight [V, H], bias [V], labels [N] expected, got ", x.sizes(), ", ",
              weight.sizes(), ", ", bias.sizes(), ", ", labels.sizes());
  TORCH_CHECK(labels.scalar_type() == torch::kLong && labels.is_cpu(), "LinearCrossEntropy: labels must be CPU int64");
  if (labels.numel() > 0) {
    const torch::Tensor bad = labels.ne(kIgnoreLabel).logical_and(labels.lt(0).logical_or(labels.ge(weight.size(0))));
    TORCH_CHECK(!bad.any().item<bool>(), "LinearCrossEntropy: label ", labels.masked_select(bad)[0].item<int64_t>(),
                " is outside [0, ", weight.size(0), ") and is not the ignore label ", kIgnoreLabel);
  }
  const bool grad = torch::GradMode::is_enabled();
  return LinearCrossEntropyFunction::apply(x, weight, bias, labels, chunk_rows, grad && x.requires_grad(),
                                           grad && weight.requires_grad(), grad && bias.requires_grad());
}

}  // namespace xstilts
