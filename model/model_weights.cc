#include "model/model_weights.h"

#include <cstring>
#include <filesystem>
#include <set>
#include <unordered_set>

namespace xstilts {
namespace {

struct DTypePair {
  torch::ScalarType torch_type;
  SafetensorsDType file_type;
};
constexpr DTypePair kDTypePairs[] = {
    {torch::kFloat, SafetensorsDType::kF32},    {torch::kHalf, SafetensorsDType::kF16},
    {torch::kBFloat16, SafetensorsDType::kBF16}, {torch::kDouble, SafetensorsDType::kF64},
    {torch::kLong, SafetensorsDType::kI64},     {torch::kInt, SafetensorsDType::kI32},
    {torch::kShort, SafetensorsDType::kI16},    {torch::kChar, SafetensorsDType::kI8},
    {torch::kByte, SafetensorsDType::kU8},      {torch::kBool, SafetensorsDType::kBool}};

std::string ShapeString(at::IntArrayRef shape) {
  std::string out = "[";
  for (size_t i = 0; i < shape.size(); ++i) out += (i ? ", " : "") + std::to_string(shape[i]);
  return out + "]";
}

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

const std::set<std::string> kIgnoredHfNames = {"embeddings.position_ids", "lm_head.decoder.weight",
                                               "lm_head.decoder.bias"};

}  // namespace

Result<SafetensorsTensor> ToSafetensors(const std::string& name, const torch::Tensor& tensor) {
  SafetensorsTensor out;
  out.name = name;
  bool known = false;
  for (const DTypePair& pair : kDTypePairs) {
    if (pair.torch_type == tensor.scalar_type()) {
      out.dtype = pair.file_type;
      known = true;
    }
  }
  if (!known) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "tensor '" + name + "': dtype " + std::string(c10::toString(tensor.scalar_type())) +
                             " has no safetensors equivalent");
  }
  torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
  out.shape.assign(cpu.sizes().begin(), cpu.sizes().end());
  out.data.resize(cpu.nbytes());
  if (cpu.nbytes() > 0) std::memcpy(out.data.data(), cpu.data_ptr(), cpu.nbytes());
  return out;
}

torch::Tensor FromSafetensors(const SafetensorsTensor& tensor) {
  torch::ScalarType type = torch::kFloat;
  for (const DTypePair& pair : kDTypePairs) {
    if (pair.file_type == tensor.dtype) type = pair.torch_type;
  }
  torch::Tensor out = torch::empty(tensor.shape, torch::TensorOptions().dtype(type));
  if (!tensor.data.empty()) std::memcpy(out.data_ptr(), tensor.data.data(), tensor.data.size());
  return out;
}

Status SaveTensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata,
                   const std::string& path) {
  SafetensorsFile file;
  file.metadata = metadata;
  for (const auto& [name, tensor] : tensors) {
    auto converted = ToSafetensors(name, tensor);
    if (!converted.ok()) return converted.status().WithContext(path);
    file.tensors.push_back(std::move(converted).value());
  }
  return WriteSafetensors(file, path);
}

Result<NamedTensors> LoadTensors(const std::string& path, std::map<std::string, std::string>* metadata) {
  auto file = ReadSafetensors(path);
  if (!file.ok()) return file.status();
  NamedTensors out;
  for (const SafetensorsTensor& t : file->tensors) out.emplace_back(t.name, FromSafetensors(t));
  if (metadata) *metadata = file->metadata;
  return out;
}

NamedTensors CloneTensors(const NamedTensors& tensors) {
  NamedTensors out;
  for (const auto& [name, tensor] : tensors) out.emplace_back(name, tensor.detach().clone());
  return out;
}

NamedTensors ModuleTensors(const torch::nn::Module& module) {
  NamedTensors out;
  std::unordered_set<const void*> seen;
  for (const auto& item : module.named_parameters()) {
    if (seen.insert(item.value().unsafeGetTensorImpl()).second) out.emplace_back(item.key(), item.value());
  }
  for (const auto& item : module.named_buffers()) {
    if (seen.insert(item.value().unsafeGetTensorImpl()).second) out.emplace_back(item.key(), item.value());
  }
  return out;
}

Result<LoadReport> LoadIntoModule(torch::nn::Module& module, const NamedTensors& tensors,
                                  const std::string& source, const LoadOptions& options) {
  std::map<std::string, torch::Tensor> targets;
  for (const auto& [name, tensor] : ModuleTensors(module)) targets[name] = tensor;
  LoadReport report;
  std::vector<std::string> errors;
  std::set<std::string> given;
  torch::NoGradGuard no_grad;
  for (const auto& [name, value] : tensors) {
    const std::string where = source + ": tensor '" + options.file_prefix + name + "': ";
    auto it = targets.find(name);
    if (it == targets.end()) {
      report.unused.push_back(name);
      if (!options.allow_unused) errors.push_back(where + "the model has no such parameter");
      continue;
    }
    given.insert(name);
    torch::Tensor& target = it->second;
    if (value.sizes() != target.sizes()) {
      errors.push_back(where + "shape " + ShapeString(value.sizes()) + " does not match the model's " +
                       ShapeString(target.sizes()));
      continue;
    }
    if (value.is_floating_point() != target.is_floating_point() ||
        (!value.is_floating_point() && value.scalar_type() != target.scalar_type())) {
      errors.push_back(where + "dtype " + std::string(c10::toString(value.scalar_type())) +
                       " cannot be loaded into a " + std::string(c10::toString(target.scalar_type())) +
                       " parameter");
      continue;
    }
    target.copy_(value);
    report.loaded.push_back(name);
  }
  for (const auto& [name, target] : targets) {
    if (given.count(name)) continue;
    report.missing.push_back(name);
    if (!options.allow_missing) errors.push_back(source + ": missing tensor '" + options.file_prefix + name + "'");
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
    return Status::Error(ErrorKind::kCorrupt, message);
  }
  return report;
}

Result<LoadReport> LoadEncoderWeights(Encoder& encoder, const NamedTensors& tensors, const std::string& source) {
  bool prefixed = false;
  for (const auto& item : tensors) prefixed = prefixed || StartsWith(item.first, "roberta.");
  const std::string prefix = prefixed ? "roberta." : "";
  NamedTensors selected;
  std::vector<std::string> dropped;
  for (const auto& [name, tensor] : tensors) {
    if (!StartsWith(name, prefix) || StartsWith(name, "lm_head.") || StartsWith(name, "heads.")) {
      dropped.push_back(name);
      continue;
    }
    const std::string inner = name.substr(prefix.size());
    if (kIgnoredHfNames.count(inner)) continue;
    if (StartsWith(inner, "pooler.") && !encoder->has_pooler()) {
      dropped.push_back(name);
      continue;
    }
    selected.emplace_back(inner, tensor);
  }
  LoadOptions options;
  options.file_prefix = prefix;
  options.allow_unused = true;
  // Only the pooler may be missing (checked below): task checkpoints may lack it.
  options.allow_missing = true;
  auto report = LoadIntoModule(*encoder, selected, source, options);
  if (!report.ok()) return report;
  std::vector<std::string> errors;
  for (const std::string& name : report->missing) {
    if (!StartsWith(name, "pooler.")) errors.push_back(source + ": missing tensor '" + prefix + name + "'");
  }
  // An embedding or layer tensor the model has no place for means the config describes another
  // model (e.g. fewer layers): loading the rest would silently drop part of the checkpoint.
  for (const std::string& name : report->unused) {
    if (StartsWith(name, "embeddings.") || StartsWith(name, "encoder.")) {
      errors.push_back(source + ": tensor '" + prefix + name + "' has no place in the model (" +
                       std::to_string(encoder->config().num_hidden_layers) + " layers in the config)");
    }
  }
  if (!errors.empty()) {
    std::string message;
    for (const std::string& e : errors) message += (message.empty() ? "" : "\n") + e;
    return Status::Error(ErrorKind::kCorrupt, message);
  }
  for (const std::string& name : report->unused) dropped.push_back(prefix + name);
  report->unused = dropped;
  return report;
}

Result<HfCheckpoint> ImportHfCheckpoint(const std::string& dir) {
  const std::filesystem::path root(dir);
  auto config = ReadEncoderConfig((root / "config.json").string());
  if (!config.ok()) return config.status();
  const std::string weights_path = (root / "model.safetensors").string();
  auto tensors = LoadTensors(weights_path);
  if (!tensors.ok()) return tensors.status();
  bool has_pooler = false, has_head = false;
  NamedTensors head_tensors;
  torch::Tensor decoder_bias;
  for (const auto& [name, tensor] : *tensors) {
    has_pooler = has_pooler || name == "pooler.dense.weight" || name == "roberta.pooler.dense.weight";
    if (StartsWith(name, "lm_head.")) {
      has_head = true;
      const std::string inner = name.substr(8);
      if (inner == "decoder.bias") decoder_bias = tensor;
      if (!kIgnoredHfNames.count(name)) head_tensors.emplace_back(inner, tensor);
    }
  }
  HfCheckpoint out;
  out.config = *config;
  try {
    out.encoder = Encoder(*config, has_pooler);
  } catch (const std::exception& e) {
    return Status::Error(ErrorKind::kInvalidInput, weights_path + ": " + e.what());
  }
  auto report = LoadEncoderWeights(out.encoder, *tensors, weights_path);
  if (!report.ok()) return report.status();
  if (has_head) {
    out.mlm_head = MaskedLmHead(*config, out.encoder->word_embedding_weight());
    bool has_bias = false;
    for (const auto& item : head_tensors) has_bias = has_bias || item.first == "bias";
    // Older checkpoints keep the output bias only as the tied lm_head.decoder.bias.
    if (!has_bias && decoder_bias.defined()) head_tensors.emplace_back("bias", decoder_bias);
    LoadOptions options;
    options.file_prefix = "lm_head.";
    auto head_report = LoadIntoModule(*out.mlm_head, head_tensors, weights_path, options);
    if (!head_report.ok()) return head_report.status();
  }
  return out;
}

Status WriteHfDirectory(const std::string& dir, const EncoderConfig& config, const NamedTensors& tensors) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return Status::Error(ErrorKind::kIo, dir + ": " + ec.message());
  NamedTensors f32;
  for (const auto& [name, tensor] : tensors) f32.emplace_back(name, tensor.to(torch::kFloat));
  const std::filesystem::path root(dir);
  XSTILTS_RETURN_IF_ERROR(WriteEncoderConfig(config, (root / "config.json").string()));
  return SaveTensors(f32, {{"format", "pt"}}, (root / "model.safetensors").string());
}

std::string HfArchitecture(const EncoderConfig& config, const std::string& suffix) {
  return (config.model_type == "roberta" ? "Roberta" : "XLMRoberta") + suffix;
}

Status ExportHfCheckpoint(const std::string& dir, const Encoder& encoder, const MaskedLmHead& mlm_head) {
  const bool with_head = !mlm_head.is_empty();
  NamedTensors tensors;
  for (const auto& [name, tensor] : ModuleTensors(*encoder)) {
    // RobertaForMaskedLM builds its encoder without a pooler; the bare RobertaModel has one.
    if (with_head && name.rfind("pooler.", 0) == 0) continue;
    tensors.emplace_back((with_head ? "roberta." : "") + name, tensor);
  }
  if (with_head) {
    for (const auto& [name, tensor] : ModuleTensors(*mlm_head)) tensors.emplace_back("lm_head." + name, tensor);
  }
  EncoderConfig config = encoder->config();
  config.extra["architectures"] = {HfArchitecture(config, with_head ? "ForMaskedLM" : "Model")};
  return WriteHfDirectory(dir, config, tensors);
}

}  // namespace xstilts
