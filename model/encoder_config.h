// EncoderConfig: the hyper-parameters of a RoBERTa / XLM-R encoder, field for field as Hugging
// Face's RobertaConfig / XLMRobertaConfig write them to config.json.
//
// Torch-free: graph/, data/ and the CLI may include this header. Parsing never throws: it returns
// a Status of kind kInvalidInput whose message names the source, the field and what was expected,
// e.g. `model/config.json: hidden_size: 100 is not divisible by num_attention_heads (12)`.
// Every problem in a file is reported at once (one per line). Unknown keys are kept verbatim in
// `extra` so a config read from the hub is written back unchanged.
#pragma once

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace xstilts {

struct EncoderConfig {
  std::string model_type = "xlm-roberta";  // "roberta" or "xlm-roberta"
  int64_t vocab_size = 250002;
  int64_t hidden_size = 768;
  int64_t num_hidden_layers = 12;
  int64_t num_attention_heads = 12;
  int64_t intermediate_size = 3072;
  std::string hidden_act = "gelu";  // only exact (erf) GELU is implemented
  double hidden_dropout_prob = 0.1;
  double attention_probs_dropout_prob = 0.1;
  int64_t max_position_embeddings = 514;
  int64_t type_vocab_size = 1;
  double initializer_range = 0.02;
  double layer_norm_eps = 1e-5;
  int64_t pad_token_id = 1;
  int64_t bos_token_id = 0;
  int64_t eos_token_id = 2;
  std::string position_embedding_type = "absolute";  // only "absolute" is implemented
  // Keys this struct does not model (architectures, torch_dtype, id2label, ...), kept as read.
  nlohmann::json extra = nlohmann::json::object();

  // Checks every field; kInvalidInput naming each bad field (prefixed by `source: `).
  Status Validate(const std::string& source = "config") const;
  // The largest sequence length positions allow: max_position_embeddings - pad_token_id - 1.
  int64_t MaxSequenceLength() const { return max_position_embeddings - pad_token_id - 1; }
  // Parameter count of the encoder (embeddings + layers, + pooler when `with_pooler`).
  int64_t EncoderParameterCount(bool with_pooler) const;
};

// Parses config.json text. `source` names the file in messages.
Result<EncoderConfig> EncoderConfigFromJson(const std::string& text, const std::string& source);
Result<EncoderConfig> EncoderConfigFromJson(const nlohmann::json& json, const std::string& source);
// Reads and parses a config.json file (kNotFound / kIo when it cannot be read).
Result<EncoderConfig> ReadEncoderConfig(const std::string& path);
// The config as Hugging Face writes it (modelled fields merged over `extra`).
nlohmann::json EncoderConfigToJson(const EncoderConfig& config);
// Writes EncoderConfigToJson, pretty-printed, to `path` (kIo on failure).
Status WriteEncoderConfig(const EncoderConfig& config, const std::string& path);

}  // namespace xstilts
