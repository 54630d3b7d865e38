#include "nodes/estimate/model_shape.h"

#include <fstream>
#include <optional>
#include <sstream>

#include "data/h5_file.h"
#include "nodes/estimate/token_counts.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

ModelShape FromInitModel(const LineageMap& nodes, const LineageNode& node) {
  ModelShape s;
  const std::vector<std::string>& tokenizer = InputsOf(node, "tokenizer");
  if (tokenizer.empty()) return s;
  const LineageNode& t = LineageAt(nodes, tokenizer.front());
  int64_t vocab = 0, pad = 1;
  if (!t.record.is_null() && fs::exists(t.entry_dir / "tokenizer.h5")) {
    try {
      H5File file(t.entry_dir / "tokenizer.h5", H5File::Mode::kReadOnly);
      vocab = file.GetIntAttribute("/", "vocab_size");
      pad = file.GetIntAttribute("/", "pad_id");
      s.source = EstimateSource::kMeasured;
    } catch (const std::exception&) {
      vocab = 0;
    }
  }
  if (vocab == 0 && t.params.contains("vocab_size")) {
    vocab = t.params["vocab_size"].get<int64_t>();
    s.source = EstimateSource::kDeclared;
  }
  if (vocab == 0) {
    s.note = t.name + ": the vocabulary size is known only once it has run";
    return s;
  }
  const nlohmann::json& p = node.params;
  s.config.vocab_size = vocab;
  s.config.hidden_size = p.value("hidden", int64_t{768});
  s.config.num_hidden_layers = p.value("layers", int64_t{12});
  s.config.num_attention_heads = p.value("heads", int64_t{12});
  s.config.intermediate_size = p.value("ffn", int64_t{3072});
  s.config.max_position_embeddings = p.value("max_positions", int64_t{512}) + pad + 1;
  s.config.pad_token_id = pad;
  s.heads = {{"masked_lm", 0}};
  s.note = node.name + ": init_model params, " + t.name + "'s vocabulary";
  return s;
}

std::optional<EncoderConfig> ReadConfig(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  Result<EncoderConfig> config = EncoderConfigFromJson(text.str(), path.string());
  if (!config.ok()) return std::nullopt;
  return *config;
}

// config.json in one of the `files` bundles: a files node's local paths, or a cached entry.
std::optional<EncoderConfig> BundledConfig(const LineageMap& nodes, const LineageNode& node, const fs::path& dir) {
  for (const std::string& name : InputsOf(node, "files")) {
    const LineageNode& bundle = LineageAt(nodes, name);
    if (bundle.type == "files") {
      for (const auto& path : bundle.params.value("paths", nlohmann::json::array())) {
        fs::path p = dir / path.get<std::string>();
        if (fs::is_directory(p)) p /= "config.json";
        if (p.filename() == "config.json") {
          if (auto config = ReadConfig(p)) return config;
        }
      }
    }
    std::error_code ec;
    if (bundle.record.is_null() || !fs::is_directory(bundle.entry_dir, ec)) continue;
    for (const auto& entry : fs::recursive_directory_iterator(bundle.entry_dir, ec)) {
      if (entry.path().filename() == "config.json") {
        if (auto config = ReadConfig(entry.path())) return config;
      }
    }
  }
  if (InputsOf(node, "files").empty()) return ReadConfig(dir / node.params.value("path", ".") / "config.json");
  return std::nullopt;
}

ModelShape FromImportHf(const LineageMap& nodes, const LineageNode& node, const fs::path& dir) {
  ModelShape s;
  s.heads = {{"masked_lm", 0}};
  if (std::optional<EncoderConfig> config = BundledConfig(nodes, node, dir)) {
    s.config = *config;
    s.source = EstimateSource::kMeasured;
    s.note = node.name + ": config.json";
    return s;
  }
  const nlohmann::json expected = node.params.value("expected_config", nlohmann::json::object());
  if (expected.is_object() && !expected.empty()) {
    Result<EncoderConfig> config = EncoderConfigFromJson(expected, node.name + ": expected_config");
    if (config.ok()) {
      s.config = *config;
      s.source = EstimateSource::kDeclared;
      s.note = node.name + ": expected_config";
      return s;
    }
    s.note = config.status().message();
    return s;
  }
  s.note = node.name + ": config.json is not here yet and no expected_config is declared";
  return s;
}

ModelShape FromTrain(const LineageMap& nodes, const LineageNode& node, const ModelShape& start) {
  ModelShape s = start;
  s.heads.clear();
  const std::vector<std::string> tasks = node.params.value("tasks", std::vector<std::string>{});
  const std::vector<std::string>& train = InputsOf(node, "train");
  for (size_t i = 0; i < train.size(); ++i) {
    const TokenCounts counts = CountTokens(nodes, LineageAt(nodes, train[i]));
    s.source = EstimateWeaker(s.source, counts.source == EstimateSource::kMeasured ? counts.source
                                                                                 : EstimateSource::kAssumed);
    s.heads.push_back({counts.head_kind, counts.num_labels});
  }
  if (!InputsOf(node, "mlm").empty() && node.params.value("mlm_share", 0.0) > 0) s.heads.push_back({"masked_lm", 0});
  return s;
}

}  // namespace

const std::vector<std::string>& InputsOf(const LineageNode& node, const std::string& port) {
  static const std::vector<std::string> none;
  auto it = node.inputs.find(port);
  return it == node.inputs.end() ? none : it->second;
}

ModelShape ShapeOfModel(const LineageMap& nodes, const std::string& name, const fs::path& pipeline_dir) {
  const LineageNode& node = LineageAt(nodes, name);
  if (node.type == "init_model") return FromInitModel(nodes, node);
  if (node.type == "import_hf") return FromImportHf(nodes, node, pipeline_dir);
  const std::vector<std::string>& model = InputsOf(node, "model");
  if ((node.type != "pretrain_mlm" && node.type != "train") || model.empty()) {
    ModelShape s;
    s.note = node.name + ": a " + node.type + " node's model shape is not known";
    return s;
  }
  ModelShape start = ShapeOfModel(nodes, model.front(), pipeline_dir);
  if (start.source == EstimateSource::kUnknown) return start;
  if (node.type == "train") return FromTrain(nodes, node, start);
  bool has_mlm = false;
  for (const HeadShape& h : start.heads) has_mlm = has_mlm || h.kind == "masked_lm";
  if (!has_mlm) start.heads.push_back({"masked_lm", 0});
  return start;
}

}  // namespace xstilts
