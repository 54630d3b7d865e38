// Shared fixtures for the model tests: a tiny encoder config and random token batches.
#pragma once

#include <torch/torch.h>

#include "model/batch.h"
#include "model/encoder_config.h"

namespace xstilts::testing {

inline EncoderConfig TinyConfig() {
  EncoderConfig config;
  config.model_type = "xlm-roberta";
  config.vocab_size = 50;
  config.hidden_size = 16;
  config.num_hidden_layers = 2;
  config.num_attention_heads = 2;
  config.intermediate_size = 32;
  config.max_position_embeddings = 40;
  config.pad_token_id = 1;
  return config;
}

// [batch, seq] ids in [4, vocab): no special tokens; <s> (0) first, </s> (2) last, and the last
// `pad` positions of odd rows padded with 1.
inline Batch RandomTokens(int64_t batch, int64_t seq, int64_t vocab, int64_t pad, uint64_t seed) {
  torch::manual_seed(seed);
  Batch b;
  b.input_ids = torch::randint(4, vocab, {batch, seq}, torch::kLong);
  b.input_ids.select(1, 0).fill_(0);
  b.attention_mask = torch::ones({batch, seq}, torch::kLong);
  for (int64_t i = 0; i < batch; ++i) {
    const int64_t length = (i % 2 == 1) ? seq - pad : seq;
    b.input_ids[i][length - 1] = 2;
    if (length < seq) {
      b.input_ids[i].slice(0, length).fill_(1);
      b.attention_mask[i].slice(0, length).fill_(0);
    }
  }
  return b;
}

}  // namespace xstilts::testing
