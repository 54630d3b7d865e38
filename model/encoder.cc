#include "model/encoder.h"

#include <cmath>
#include <limits>
#include <stdexcept>

#include <ATen/CPUGeneratorImpl.h>

namespace xstilts {
namespace {

// An empty module whose only role is to give its children Hugging Face's dotted names.
std::shared_ptr<torch::nn::Module> Container() { return std::make_shared<torch::nn::Module>(); }

torch::nn::LayerNorm MakeLayerNorm(const EncoderConfig& config) {
  return torch::nn::LayerNorm(
      torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps));
}

uint64_t SplitMix64(uint64_t z) {
  z += 0x9e3779b97f4a7c15ull;
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

class HashDropout : public torch::autograd::Function<HashDropout> {
 public:
  static torch::Tensor forward(torch::autograd::AutogradContext* ctx, const torch::Tensor& x, double p) {
    uint64_t seed;
    {
      auto generator = at::detail::getDefaultCPUGenerator();
      std::lock_guard<std::mutex> lock(generator.mutex());
      seed = at::check_generator<at::CPUGeneratorImpl>(generator)->random64();
    }
    torch::Tensor out = torch::empty_like(x);
    torch::Tensor mask = torch::empty(x.sizes(), x.options().dtype(torch::kByte));
    const float* in = x.data_ptr<float>();
    float* o = out.data_ptr<float>();
    uint8_t* m = mask.data_ptr<uint8_t>();
    // Keep when the top 24 bits of the hash, as a fraction, are >= p.
    const uint64_t threshold = static_cast<uint64_t>(p * 16777216.0);
    const float scale = static_cast<float>(1.0 / (1.0 - p));
    at::parallel_for(0, x.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) {
        const uint8_t keep = (SplitMix64(seed ^ static_cast<uint64_t>(i) * 0xd1b54a32d192ed03ull) >> 40) >= threshold;
        m[i] = keep;
        o[i] = keep ? in[i] * scale : 0.0f;
      }
    });
    ctx->save_for_backward({mask});
    ctx->saved_data["scale"] = static_cast<double>(scale);
    return out;
  }

  static torch::autograd::tensor_list backward(torch::autograd::AutogradContext* ctx,
                                               torch::autograd::tensor_list grads) {
    torch::Tensor mask = ctx->get_saved_variables()[0];
    const float scale = static_cast<float>(ctx->saved_data["scale"].toDouble());
    torch::Tensor grad = grads[0].contiguous();
    torch::Tensor out = torch::empty_like(grad);
    const float* g = grad.data_ptr<float>();
    const uint8_t* m = mask.data_ptr<uint8_t>();
    float* o = out.data_ptr<float>();
    at::parallel_for(0, grad.numel(), 1 << 14, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) o[i] = m[i] ? g[i] * scale : 0.0f;
    });
    return {out, torch::Tensor()};
  }
};

}  // namespace

torch::Tensor Dropout(const torch::Tensor& x, double p, bool train) {
  if (!train || p <= 0) return x;
  if (x.device().is_cpu() && x.scalar_type() == torch::kFloat && x.is_contiguous() && p < 1.0) {
    return HashDropout::apply(x, p);
  }
  return torch::dropout(x, p, /*train=*/true);
}

torch::Tensor PaddingOffsetPositionIds(const torch::Tensor& input_ids, int64_t pad_token_id) {
  torch::Tensor mask = input_ids.ne(pad_token_id).to(torch::kLong);
  return torch::cumsum(mask, /*dim=*/1).mul_(mask).add_(pad_token_id);
}

RobertaEmbeddingsImpl::RobertaEmbeddingsImpl(const EncoderConfig& config)
    : pad_token_id_(config.pad_token_id), dropout_(config.hidden_dropout_prob) {
  word_embeddings = register_module(
      "word_embeddings",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(config.vocab_size, config.hidden_size)
                               .padding_idx(config.pad_token_id)));
  position_embeddings = register_module(
      "position_embeddings",
      torch::nn::Embedding(
          torch::nn::EmbeddingOptions(config.max_position_embeddings, config.hidden_size)
              .padding_idx(config.pad_token_id)));
  token_type_embeddings = register_module(
      "token_type_embeddings",
      torch::nn::Embedding(torch::nn::EmbeddingOptions(config.type_vocab_size, config.hidden_size)));
  LayerNorm = register_module("LayerNorm", MakeLayerNorm(config));
}

torch::Tensor RobertaEmbeddingsImpl::forward(const torch::Tensor& input_ids,
                                             const torch::Tensor& token_type_ids) {
  torch::Tensor positions = PaddingOffsetPositionIds(input_ids, pad_token_id_);
  torch::Tensor x = torch::embedding(word_embeddings->weight, input_ids, pad_token_id_);
  x = x + torch::embedding(position_embeddings->weight, positions, pad_token_id_);
  if (token_type_ids.defined()) {
    x = x + torch::embedding(token_type_embeddings->weight, token_type_ids);
  } else {
    // All-zero token types: row 0 broadcast gives the same values and gradient as a lookup.
    x = x + token_type_embeddings->weight[0];
  }
  x = torch::layer_norm(x, LayerNorm->options.normalized_shape(), LayerNorm->weight, LayerNorm->bias,
                        LayerNorm->options.eps());
  return Dropout(x, dropout_, is_training());
}

RobertaLayerImpl::RobertaLayerImpl(const EncoderConfig& config)
    : num_heads_(config.num_attention_heads),
      hidden_dropout_(config.hidden_dropout_prob),
      attention_dropout_(config.attention_probs_dropout_prob) {
  const int64_t h = config.hidden_size;
  auto attention = register_module("attention", Container());
  auto self = attention->register_module("self", Container());
  query = self->register_module("query", torch::nn::Linear(h, h));
  key = self->register_module("key", torch::nn::Linear(h, h));
  value = self->register_module("value", torch::nn::Linear(h, h));
  auto attention_output = attention->register_module("output", Container());
  attention_dense = attention_output->register_module("dense", torch::nn::Linear(h, h));
  attention_norm = attention_output->register_module("LayerNorm", MakeLayerNorm(config));
  auto intermediate = register_module("intermediate", Container());
  intermediate_dense =
      intermediate->register_module("dense", torch::nn::Linear(h, config.intermediate_size));
  auto output = register_module("output", Container());
  output_dense = output->register_module("dense", torch::nn::Linear(config.intermediate_size, h));
  output_norm = output->register_module("LayerNorm", MakeLayerNorm(config));
}

torch::Tensor RobertaLayerImpl::forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias) {
  const int64_t batch = hidden.size(0), seq = hidden.size(1), width = hidden.size(2);
  const int64_t head_dim = width / num_heads_;
  const bool train = is_training();
  // One GEMM for query, key and value: the three weights stay separate parameters (Hugging
  // Face's names) and the concatenation's backward splits the gradient again.
  torch::Tensor qkv_weight = torch::cat({query->weight, key->weight, value->weight}, 0);
  torch::Tensor qkv_bias = torch::cat({query->bias, key->bias, value->bias}, 0);
  // unbind (not select/indexing): its backward stacks the three gradients in one copy, where
  // three selects would each materialize a zero-filled [3, ...] gradient and add them up.
  std::vector<torch::Tensor> qkv = torch::linear(hidden, qkv_weight, qkv_bias)
                                       .view({batch, seq, 3, num_heads_, head_dim})
                                       .unbind(2);  // 3 x [B, S, heads, d]
  // Scaling the queries (B*S*H values) is cheaper than scaling the scores (B*heads*S*S).
  torch::Tensor q = qkv[0].transpose(1, 2) * (1.0 / std::sqrt(static_cast<double>(head_dim)));
  torch::Tensor k = qkv[1].permute({0, 2, 3, 1});  // [B, heads, d, S]
  torch::Tensor v = qkv[2].transpose(1, 2);
  torch::Tensor scores = torch::matmul(q, k);
  if (mask_bias.defined()) scores.add_(mask_bias);
  torch::Tensor probs = Dropout(torch::softmax(scores, -1), attention_dropout_, train);
  torch::Tensor context = torch::matmul(probs, v).transpose(1, 2).reshape({batch, seq, width});
  torch::Tensor attended = Dropout(attention_dense(context), hidden_dropout_, train);
  attended = torch::layer_norm(attended + hidden, attention_norm->options.normalized_shape(),
                               attention_norm->weight, attention_norm->bias,
                               attention_norm->options.eps());
  torch::Tensor inner = torch::gelu(intermediate_dense(attended));
  torch::Tensor out = Dropout(output_dense(inner), hidden_dropout_, train);
  return torch::layer_norm(out + attended, output_norm->options.normalized_shape(), output_norm->weight,
                           output_norm->bias, output_norm->options.eps());
}

EncoderImpl::EncoderImpl(const EncoderConfig& config, bool with_pooler) : config_(config) {
  Status valid = config.Validate();
  if (!valid.ok()) throw std::invalid_argument(valid.message());
  embeddings = register_module("embeddings", RobertaEmbeddings(config));
  auto encoder = register_module("encoder", Container());
  layers = encoder->register_module("layer", torch::nn::ModuleList());
  for (int64_t i = 0; i < config.num_hidden_layers; ++i) layers->push_back(RobertaLayer(config));
  if (with_pooler) {
    auto pooler = register_module("pooler", Container());
    pooler_dense = pooler->register_module("dense", torch::nn::Linear(config.hidden_size, config.hidden_size));
  }
  ResetParameters();
}

EncoderOutput EncoderImpl::forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                                   const torch::Tensor& token_type_ids, bool output_hidden_states) {
  EncoderOutput out;
  torch::Tensor hidden = embeddings(input_ids, token_type_ids);
  torch::Tensor mask_bias;
  if (attention_mask.defined()) {
    // (1 - mask) * lowest, as Hugging Face does, so a fully padded row still softmaxes finitely.
    mask_bias = (1.0 - attention_mask.to(hidden.scalar_type()))
                    .mul_(std::numeric_limits<float>::lowest())
                    .view({attention_mask.size(0), 1, 1, attention_mask.size(1)});
  }
  if (output_hidden_states) out.hidden_states.push_back(hidden);
  for (const auto& layer : *layers) {
    hidden = layer->as<RobertaLayer>()->forward(hidden, mask_bias);
    if (output_hidden_states) out.hidden_states.push_back(hidden);
  }
  out.last_hidden_state = hidden;
  if (has_pooler()) {
    out.pooled = torch::tanh(pooler_dense(hidden.select(1, 0)));
  }
  return out;
}

void EncoderImpl::ResetParameters() { InitializeLikeHuggingFace(*this, config_.initializer_range); }

void InitializeLikeHuggingFace(torch::nn::Module& module, double initializer_range) {
  torch::NoGradGuard no_grad;
  for (auto& child : module.modules(/*include_self=*/false)) {
    if (auto* linear = child->as<torch::nn::Linear>()) {
      linear->weight.normal_(0.0, initializer_range);
      if (linear->bias.defined()) linear->bias.zero_();
    } else if (auto* embedding = child->as<torch::nn::Embedding>()) {
      embedding->weight.normal_(0.0, initializer_range);
      if (auto pad = embedding->options.padding_idx()) embedding->weight[*pad].zero_();
    } else if (auto* norm = child->as<torch::nn::LayerNorm>()) {
      norm->weight.fill_(1.0);
      norm->bias.zero_();
    }
  }
}

}  // namespace xstilts
