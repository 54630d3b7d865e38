#include "model/checkpoint_h5.h"

#include <cstring>
#include <filesystem>

#include "data/h5_file.h"

namespace xstilts {
namespace {

constexpr const char* kFormat = "xstilts.checkpoint";
constexpr int64_t kFormatVersion = 1;

struct TypePair {
  torch::ScalarType torch_type;
  H5Type h5_type;
  const char* tag;  // torch_dtype attribute when the HDF5 type alone does not say it
};
constexpr TypePair kTypes[] = {
    {torch::kFloat, H5Type::kFloat32, nullptr}, {torch::kDouble, H5Type::kFloat64, nullptr},
    {torch::kLong, H5Type::kInt64, nullptr},    {torch::kInt, H5Type::kInt32, nullptr},
    {torch::kByte, H5Type::kUInt8, nullptr},    {torch::kHalf, H5Type::kUInt16, "float16"},
    {torch::kBFloat16, H5Type::kUInt16, "bfloat16"}};

Status Corrupt(const std::string& what) { return Status::Error(ErrorKind::kCorrupt, what); }

nlohmann::json TaskSpecsToJson(const std::vector<TaskSpec>& tasks) {
  nlohmann::json out = nlohmann::json::array();
  for (const TaskSpec& t : tasks) {
    nlohmann::json item = {{"name", t.name}, {"kind", TaskKindName(t.kind)}, {"num_labels", t.num_labels}};
    if (!t.labels.empty()) item["labels"] = t.labels;
    out.push_back(std::move(item));
  }
  return out;
}

Result<std::vector<TaskSpec>> TaskSpecsFromJson(const nlohmann::json& json, const std::string& source) {
  std::vector<TaskSpec> tasks;
  const TaskKind kinds[] = {TaskKind::kSequenceClassification, TaskKind::kTokenClassification,
                            TaskKind::kQuestionAnswering, TaskKind::kMultipleChoice, TaskKind::kMaskedLm};
  try {
    for (const auto& item : json) {
      TaskSpec spec;
      spec.name = item.at("name").get<std::string>();
      spec.num_labels = item.at("num_labels").get<int64_t>();
      if (item.contains("labels")) spec.labels = item.at("labels").get<std::vector<std::string>>();
      const std::string kind = item.at("kind").get<std::string>();
      bool known = false;
      for (TaskKind k : kinds) {
        if (kind == TaskKindName(k)) {
          spec.kind = k;
          known = true;
        }
      }
      if (!known) return Corrupt(source + ": task '" + spec.name + "': unknown kind \"" + kind + "\"");
      tasks.push_back(spec);
    }
  } catch (const nlohmann::json::exception& e) {
    return Corrupt(source + ": attribute 'tasks': " + e.what());
  }
  return tasks;
}

void WriteTensor(H5File& file, const std::string& name, const torch::Tensor& tensor) {
  torch::Tensor cpu = tensor.detach().to(torch::kCPU).contiguous();
  const TypePair* pair = nullptr;
  for (const TypePair& p : kTypes) {
    if (p.torch_type == cpu.scalar_type()) pair = &p;
  }
  if (!pair) throw H5Error(file.path().string() + ": tensor '" + name + "': dtype " +
                           std::string(c10::toString(cpu.scalar_type())) + " cannot be stored");
  std::vector<uint64_t> shape(cpu.sizes().begin(), cpu.sizes().end());
  const bool rank0 = shape.empty();
  if (rank0) shape = {1};
  file.Write(name, pair->h5_type, shape, cpu.data_ptr());
  if (pair->tag) file.SetAttribute(name, "torch_dtype", std::string(pair->tag));
  if (rank0) file.SetAttribute(name, "rank0", int64_t{1});
}

torch::Tensor ReadTensor(const H5File& file, const std::string& name) {
  H5Array array = file.Read(name);
  torch::ScalarType type = torch::kFloat;
  bool known = false;
  const std::string tag = file.HasAttribute(name, "torch_dtype") ? file.GetStringAttribute(name, "torch_dtype") : "";
  for (const TypePair& p : kTypes) {
    if (p.h5_type == array.type && (p.tag ? tag == p.tag : tag.empty())) {
      type = p.torch_type;
      known = true;
    }
  }
  if (!known) {
    throw H5Error(file.path().string() + ": dataset '" + name + "': type " + H5TypeName(array.type) +
                  (tag.empty() ? "" : " (" + tag + ")") + " is not a tensor type");
  }
  std::vector<int64_t> shape(array.shape.begin(), array.shape.end());
  if (file.HasAttribute(name, "rank0")) shape.clear();
  torch::Tensor out = torch::empty(shape, torch::TensorOptions().dtype(type));
  if (out.nbytes() != array.bytes.size()) {
    throw H5Error(file.path().string() + ": dataset '" + name + "': size does not match its shape");
  }
  if (!array.bytes.empty()) std::memcpy(out.data_ptr(), array.bytes.data(), array.bytes.size());
  return out;
}

}  // namespace

Status SaveCheckpointH5(const TrainingCheckpoint& checkpoint, const std::string& path) {
  const std::string tmp = path + ".tmp";
  try {
    H5File file(tmp, H5File::Mode::kCreate);
    nlohmann::json names = nlohmann::json::array();
    for (const auto& [name, tensor] : checkpoint.tensors) {
      WriteTensor(file, "/" + name, tensor);
      names.push_back(name);
    }
    file.SetAttribute("/", "format", std::string(kFormat));
    file.SetAttribute("/", "format_version", kFormatVersion);
    file.SetAttribute("/", "xstilts", checkpoint.attributes.dump());
    file.SetAttribute("/", "tensors", names.dump());
    file.Close();
  } catch (const H5Error& e) {
    std::filesystem::remove(tmp);
    return Status::Error(ErrorKind::kIo, e.what());
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Error(ErrorKind::kIo, path + ": rename failed: " + ec.message());
  return Status::Ok();
}

Result<TrainingCheckpoint> LoadCheckpointH5(const std::string& path) {
  if (!std::filesystem::exists(path)) return Status::Error(ErrorKind::kNotFound, path + ": no such checkpoint");
  try {
    H5File file(path, H5File::Mode::kReadOnly);
    if (!file.HasAttribute("/", "format") || file.GetStringAttribute("/", "format") != kFormat) {
      return Corrupt(path + ": not an xstilts checkpoint (root attribute 'format' is not \"" + kFormat + "\")");
    }
    if (file.GetIntAttribute("/", "format_version") != kFormatVersion) {
      return Corrupt(path + ": unsupported checkpoint format_version " +
                     std::to_string(file.GetIntAttribute("/", "format_version")));
    }
    TrainingCheckpoint out;
    out.attributes = nlohmann::json::parse(file.GetStringAttribute("/", "xstilts"), nullptr, false);
    nlohmann::json names = nlohmann::json::parse(file.GetStringAttribute("/", "tensors"), nullptr, false);
    if (out.attributes.is_discarded() || !names.is_array()) {
      return Corrupt(path + ": root attributes 'xstilts' / 'tensors' are not valid JSON");
    }
    for (const auto& name : names) {
      const std::string tensor_name = name.get<std::string>();
      if (!file.Exists("/" + tensor_name)) return Corrupt(path + ": missing tensor '" + tensor_name + "'");
      out.tensors.emplace_back(tensor_name, ReadTensor(file, "/" + tensor_name));
    }
    return out;
  } catch (const H5Error& e) {
    return Corrupt(e.what());
  }
}

Status SaveModelArtifact(const std::string& path, const TaskModelImpl& model) {
  TrainingCheckpoint checkpoint;
  for (const auto& [name, tensor] : ModuleTensors(model)) checkpoint.tensors.emplace_back("model/" + name, tensor);
  checkpoint.attributes = {{"config", EncoderConfigToJson(model.roberta->config())},
                           {"tasks", TaskSpecsToJson(model.tasks())},
                           {"with_pooler", model.roberta->has_pooler()}};
  return SaveCheckpointH5(checkpoint, path);
}

Result<ModelArtifact> LoadModelArtifact(const std::string& path) {
  auto checkpoint = LoadCheckpointH5(path);
  if (!checkpoint.ok()) return checkpoint.status();
  const nlohmann::json& a = checkpoint->attributes;
  if (!a.contains("config") || !a.contains("tasks")) {
    return Corrupt(path + ": not a model artifact (attributes 'config' and 'tasks' missing)");
  }
  ModelArtifact out;
  auto config = EncoderConfigFromJson(a.at("config"), path + ": attribute 'config'");
  if (!config.ok()) return config.status();
  out.config = *config;
  auto tasks = TaskSpecsFromJson(a.at("tasks"), path);
  if (!tasks.ok()) return tasks.status();
  out.tasks = *tasks;
  for (auto& [name, tensor] : checkpoint->tensors) {
    if (name.rfind("model/", 0) == 0) out.tensors.emplace_back(name.substr(6), tensor);
  }
  return out;
}

Result<TaskModel> TaskModelFromArtifact(const ModelArtifact& artifact, const std::string& source) {
  bool with_pooler = false;
  for (const auto& item : artifact.tensors) with_pooler = with_pooler || item.first == "roberta.pooler.dense.weight";
  TaskModel model(nullptr);
  try {
    model = TaskModel(artifact.config, artifact.tasks, with_pooler);
  } catch (const std::exception& e) {
    return Corrupt(source + ": " + e.what());
  }
  auto loaded = LoadIntoModule(*model, artifact.tensors, source, LoadOptions{false, false, "model/"});
  if (!loaded.ok()) return loaded.status();
  return model;
}

}  // namespace xstilts
