// The RoBERTa / XLM-R encoder in LibTorch: post-LayerNorm Transformer with the exact module tree
// and parameter names of Hugging Face's RobertaModel, so named_parameters() of an `Encoder`
// reads `embeddings.word_embeddings.weight`, `encoder.layer.0.attention.self.query.weight`, ...
//
// Torch header: include it only from .cc files that use Torch (non-torch code uses
// encoder_config.h). Modules are not thread-safe; one thread trains or evaluates a module at a
// time. Shape errors in inputs surface as c10::Error from Torch.
#pragma once

#include <torch/torch.h>

#include <vector>

#include "model/encoder_config.h"

namespace xstilts {

struct EncoderOutput {
  torch::Tensor last_hidden_state;           // [B, S, H]
  torch::Tensor pooled;                      // [B, H] tanh(dense(<s>)); undefined without a pooler
  std::vector<torch::Tensor> hidden_states;  // embeddings then each layer, when requested
};

// Inverted dropout: zeroes each value with probability p and scales the rest by 1 / (1 - p);
// identity when !train or p == 0. On contiguous CPU float tensors the keep mask is a counter-based
// hash (SplitMix64) of one seed drawn from Torch's default generator, computed in parallel and
// kept as one byte per value for backward; ATen's CPU bernoulli_ draws serially and keeps a float
// mask. Deterministic under torch::manual_seed. Other tensors use torch::dropout.
torch::Tensor Dropout(const torch::Tensor& x, double p, bool train);

// Position ids as Hugging Face builds them: padding tokens get pad_token_id, the others count up
// from pad_token_id + 1 in order.
torch::Tensor PaddingOffsetPositionIds(const torch::Tensor& input_ids, int64_t pad_token_id);

class RobertaEmbeddingsImpl : public torch::nn::Module {
 public:
  explicit RobertaEmbeddingsImpl(const EncoderConfig& config);
  // input_ids [B, S] int64; token_type_ids may be undefined (all zeros).
  torch::Tensor forward(const torch::Tensor& input_ids, const torch::Tensor& token_type_ids);

  torch::nn::Embedding word_embeddings{nullptr}, position_embeddings{nullptr},
      token_type_embeddings{nullptr};
  torch::nn::LayerNorm LayerNorm{nullptr};  // NOLINT: the Hugging Face name

 private:
  int64_t pad_token_id_;
  double dropout_;
};
TORCH_MODULE(RobertaEmbeddings);

// One post-LayerNorm layer: attention.self.{query,key,value}, attention.output.{dense,LayerNorm},
// intermediate.dense, output.{dense,LayerNorm}.
class RobertaLayerImpl : public torch::nn::Module {
 public:
  explicit RobertaLayerImpl(const EncoderConfig& config);
  // mask_bias: [B, 1, 1, S], 0 for tokens and a large negative number for padding.
  torch::Tensor forward(const torch::Tensor& hidden, const torch::Tensor& mask_bias);

  torch::nn::Linear query{nullptr}, key{nullptr}, value{nullptr}, attention_dense{nullptr},
      intermediate_dense{nullptr}, output_dense{nullptr};
  torch::nn::LayerNorm attention_norm{nullptr}, output_norm{nullptr};

 private:
  int64_t num_heads_;
  double hidden_dropout_;
  double attention_dropout_;
};
TORCH_MODULE(RobertaLayer);

class EncoderImpl : public torch::nn::Module {
 public:
  EncoderImpl(const EncoderConfig& config, bool with_pooler);
  // input_ids [B, S]; attention_mask [B, S] (1 token, 0 padding) or undefined (no padding);
  // token_type_ids [B, S] or undefined. `output_hidden_states` fills EncoderOutput::hidden_states.
  EncoderOutput forward(const torch::Tensor& input_ids, const torch::Tensor& attention_mask,
                        const torch::Tensor& token_type_ids = {}, bool output_hidden_states = false);
  // Hugging Face's _init_weights: N(0, initializer_range) for Linear and Embedding (padding row
  // zeroed), zero biases, LayerNorm 1/0. Draws from Torch's default generator.
  void ResetParameters();

  const EncoderConfig& config() const { return config_; }
  bool has_pooler() const { return !pooler_dense.is_empty(); }
  torch::Tensor word_embedding_weight() const { return embeddings->word_embeddings->weight; }

  RobertaEmbeddings embeddings{nullptr};
  torch::nn::ModuleList layers{nullptr};
  torch::nn::Linear pooler_dense{nullptr};

 private:
  EncoderConfig config_;
};
TORCH_MODULE(Encoder);

// Applies Hugging Face's initialization to every Linear, Embedding and LayerNorm under `module`.
void InitializeLikeHuggingFace(torch::nn::Module& module, double initializer_range);

}  // namespace xstilts
