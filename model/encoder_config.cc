#include "model/encoder_config.h"
#include "base/expected_content.h"

#include <fstream>
#include <sstream>
#include <vector>

namespace xstilts {
namespace {

// Collects one message per bad field so a config with several mistakes is fixed in one pass.
class FieldReader {
 public:
  explicit FieldReader(const nlohmann::json& json) : json_(json) {}

  void Int(const char* key, int64_t* out) {
    auto it = json_.find(key);
    if (it == json_.end()) return;
    if (!it->is_number_integer()) {
      errors_.push_back(std::string(key) + ": expected an integer, got " + it->dump());
      return;
    }
    *out = it->get<int64_t>();
  }
  void Number(const char* key, double* out) {
    auto it = json_.find(key);
    if (it == json_.end()) return;
    if (!it->is_number()) {
      errors_.push_back(std::string(key) + ": expected a number, got " + it->dump());
      return;
    }
    *out = it->get<double>();
  }
  void String(const char* key, std::string* out) {
    auto it = json_.find(key);
    if (it == json_.end()) return;
    if (!it->is_string()) {
      errors_.push_back(std::string(key) + ": expected a string, got " + it->dump());
      return;
    }
    *out = it->get<std::string>();
  }
  std::vector<std::string>& errors() { return errors_; }

 private:
  const nlohmann::json& json_;
  std::vector<std::string> errors_;
};

const char* const kModelledKeys[] = {
    "model_type", "vocab_size", "hidden_size", "num_hidden_layers", "num_attention_heads",
    "intermediate_size", "hidden_act", "hidden_dropout_prob", "attention_probs_dropout_prob",
    "max_position_embeddings", "type_vocab_size", "initializer_range", "layer_norm_eps",
    "pad_token_id", "bos_token_id", "eos_token_id", "position_embedding_type"};

Status JoinErrors(const std::string& source, const std::vector<std::string>& errors) {
  if (errors.empty()) return Status::Ok();
  std::string message;
  for (const std::string& e : errors) {
    if (!message.empty()) message += "\n";
    message += source + ": " + e;
  }
  return Status::Error(ErrorKind::kInvalidInput, message);
}

}  // namespace

Status EncoderConfig::Validate(const std::string& source) const {
  std::vector<std::string> errors;
  auto positive = [&](const char* name, int64_t value) {
    if (value <= 0) errors.push_back(std::string(name) + ": must be positive, got " + std::to_string(value));
  };
  auto probability = [&](const char* name, double value) {
    if (!(value >= 0.0 && value < 1.0)) {
      errors.push_back(std::string(name) + ": must be in [0, 1), got " + nlohmann::json(value).dump());
    }
  };
  if (model_type != "roberta" && model_type != "xlm-roberta") {
    errors.push_back("model_type: expected \"roberta\" or \"xlm-roberta\", got \"" + model_type + "\"");
  }
  positive("vocab_size", vocab_size);
  positive("hidden_size", hidden_size);
  positive("num_hidden_layers", num_hidden_layers);
  positive("num_attention_heads", num_attention_heads);
  positive("intermediate_size", intermediate_size);
  positive("max_position_embeddings", max_position_embeddings);
  positive("type_vocab_size", type_vocab_size);
  if (hidden_size > 0 && num_attention_heads > 0 && hidden_size % num_attention_heads != 0) {
    errors.push_back("hidden_size: " + std::to_string(hidden_size) +
                     " is not divisible by num_attention_heads (" +
                     std::to_string(num_attention_heads) + ")");
  }
  if (hidden_act != "gelu") {
    errors.push_back("hidden_act: only \"gelu\" (exact, erf) is supported, got \"" + hidden_act + "\"");
  }
  probability("hidden_dropout_prob", hidden_dropout_prob);
  probability("attention_probs_dropout_prob", attention_probs_dropout_prob);
  if (!(layer_norm_eps > 0.0)) errors.push_back("layer_norm_eps: must be positive");
  if (!(initializer_range > 0.0)) errors.push_back("initializer_range: must be positive");
  if (pad_token_id < 0 || pad_token_id >= vocab_size) {
    errors.push_back("pad_token_id: " + std::to_string(pad_token_id) + " is outside the vocabulary [0, " +
                     std::to_string(vocab_size) + ")");
  } else if (max_position_embeddings > 0 && MaxSequenceLength() < 1) {
    errors.push_back("max_position_embeddings: " + std::to_string(max_position_embeddings) +
                     " leaves no position after the padding offset (pad_token_id + 1 = " +
                     std::to_string(pad_token_id + 1) + ")");
  }
  if (position_embedding_type != "absolute") {
    errors.push_back("position_embedding_type: only \"absolute\" is supported, got \"" +
                     position_embedding_type + "\"");
  }
  return JoinErrors(source, errors);
}

int64_t EncoderConfig::EncoderParameterCount(bool with_pooler) const {
  const int64_t h = hidden_size;
  const int64_t embeddings = (vocab_size + max_position_embeddings + type_vocab_size) * h + 2 * h;
  const int64_t attention = 4 * (h * h + h) + 2 * h;
  const int64_t ffn = (h * intermediate_size + intermediate_size) + (intermediate_size * h + h) + 2 * h;
  const int64_t pooler = with_pooler ? h * h + h : 0;
  return embeddings + num_hidden_layers * (attention + ffn) + pooler;
}

Result<EncoderConfig> EncoderConfigFromJson(const nlohmann::json& json, const std::string& source) {
  if (!json.is_object()) {
    return Status::Error(ErrorKind::kInvalidInput, source + ": expected a JSON object");
  }
  EncoderConfig config;
  FieldReader reader(json);
  reader.String("model_type", &config.model_type);
  reader.Int("vocab_size", &config.vocab_size);
  reader.Int("hidden_size", &config.hidden_size);
  reader.Int("num_hidden_layers", &config.num_hidden_layers);
  reader.Int("num_attention_heads", &config.num_attention_heads);
  reader.Int("intermediate_size", &config.intermediate_size);
  reader.String("hidden_act", &config.hidden_act);
  reader.Number("hidden_dropout_prob", &config.hidden_dropout_prob);
  reader.Number("attention_probs_dropout_prob", &config.attention_probs_dropout_prob);
  reader.Int("max_position_embeddings", &config.max_position_embeddings);
  reader.Int("type_vocab_size", &config.type_vocab_size);
  reader.Number("initializer_range", &config.initializer_range);
  reader.Number("layer_norm_eps", &config.layer_norm_eps);
  reader.Int("pad_token_id", &config.pad_token_id);
  reader.Int("bos_token_id", &config.bos_token_id);
  reader.Int("eos_token_id", &config.eos_token_id);
  reader.String("position_embedding_type", &config.position_embedding_type);
  if (!reader.errors().empty()) return JoinErrors(source, reader.errors());
  for (auto it = json.begin(); it != json.end(); ++it) {
    bool modelled = false;
    for (const char* key : kModelledKeys) modelled = modelled || it.key() == key;
    if (!modelled) config.extra[it.key()] = it.value();
  }
  XSTILTS_RETURN_IF_ERROR(config.Validate(source));
  return config;
}

Result<EncoderConfig> EncoderConfigFromJson(const std::string& text, const std::string& source) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    return Status::Error(ErrorKind::kInvalidInput,
                         source + ": not valid JSON (byte " + std::to_string(e.byte) + ")");
  } catch (const nlohmann::json::exception&) {
    // The parser's only other exception: a number too large for a double (1e400).
    return Status::Error(ErrorKind::kInvalidInput, source + ": not valid JSON (a number too large to represent)");
  }
  return EncoderConfigFromJson(json, source);
}

Result<EncoderConfig> ReadEncoderConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(ErrorKind::kNotFound, path + ": cannot open config file");
  std::stringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) return Status::Error(ErrorKind::kIo, path + ": read failed");
  const std::string bytes = std::move(buffer).str();
  try {
    CheckExpectedContent(path, bytes);
  } catch (const ContentChangedError& e) {
    return Status::Error(ErrorKind::kFailed, e.what());
  }
  return EncoderConfigFromJson(bytes, path);
}

nlohmann::json EncoderConfigToJson(const EncoderConfig& c) {
  nlohmann::json json = c.extra.is_object() ? c.extra : nlohmann::json::object();
  json["model_type"] = c.model_type;
  json["vocab_size"] = c.vocab_size;
  json["hidden_size"] = c.hidden_size;
  json["num_hidden_layers"] = c.num_hidden_layers;
  json["num_attention_heads"] = c.num_attention_heads;
  json["intermediate_size"] = c.intermediate_size;
  json["hidden_act"] = c.hidden_act;
  json["hidden_dropout_prob"] = c.hidden_dropout_prob;
  json["attention_probs_dropout_prob"] = c.attention_probs_dropout_prob;
  json["max_position_embeddings"] = c.max_position_embeddings;
  json["type_vocab_size"] = c.type_vocab_size;
  json["initializer_range"] = c.initializer_range;
  json["layer_norm_eps"] = c.layer_norm_eps;
  json["pad_token_id"] = c.pad_token_id;
  json["bos_token_id"] = c.bos_token_id;
  json["eos_token_id"] = c.eos_token_id;
  json["position_embedding_type"] = c.position_embedding_type;
  return json;
}

Status WriteEncoderConfig(const EncoderConfig& config, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return Status::Error(ErrorKind::kIo, path + ": cannot open for writing");
  out << EncoderConfigToJson(config).dump(2) << "\n";
  out.close();
  if (!out) return Status::Error(ErrorKind::kIo, path + ": write failed");
  return Status::Ok();
}

}  // namespace xstilts
