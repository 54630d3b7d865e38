#include "nodes/torch/model_node_io.h"

#include <set>
#include <stdexcept>

#include "base/input_error.h"
#include "data/h5_file.h"
#include "model/trainer.h"

namespace xstilts {

ModelArtifact ReadModelInput(const std::filesystem::path& path) {
  Result<ModelArtifact> artifact = LoadModelArtifact(path.string());
  if (!artifact.ok()) throw InputError(artifact.status().message());
  return std::move(*artifact);
}

void WriteModelOutput(const TaskModelImpl& model, const std::filesystem::path& path) {
  Status saved = SaveModelArtifact(path.string(), model);
  if (!saved.ok()) throw std::runtime_error(saved.message());
  MarkModelArtifact(path);
}

void MarkModelArtifact(const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kReadWrite);
  file.SetAttribute("/", "kind", std::string(kModelArtifactKind));
  file.Close();
}

TokenizerIds ReadTokenizerIds(const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kReadOnly);
  const std::string kind = file.HasAttribute("/", "kind") ? file.GetStringAttribute("/", "kind") : "";
  if (kind != "tokenizer") throw InputError(path.string() + ": expected a tokenizer artifact, got kind '" + kind + "'");
  TokenizerIds ids;
  ids.vocab_size = file.GetIntAttribute("/", "vocab_size");
  ids.pad_id = file.GetIntAttribute("/", "pad_id");
  ids.bos_id = file.GetIntAttribute("/", "bos_id");
  ids.eos_id = file.GetIntAttribute("/", "eos_id");
  ids.unk_id = file.GetIntAttribute("/", "unk_id");
  ids.mask_id = file.GetIntAttribute("/", "mask_id");
  return ids;
}

int64_t ParameterCount(const torch::nn::Module& module) {
  std::set<const void*> seen;
  int64_t count = 0;
  for (const torch::Tensor& p : module.parameters()) {
    if (seen.insert(p.data_ptr()).second) count += p.numel();
  }
  return count;
}

torch::Device NodeDevice(const std::string& name) {
  Result<torch::Device> device = ResolveDevice(name);
  if (!device.ok()) throw InputError("device: " + device.status().message());
  return *device;
}

TaskModel LoadModelForInference(const std::filesystem::path& path, const std::string& device_name,
                                ModelArtifact* artifact) {
  *artifact = ReadModelInput(path);
  Result<TaskModel> loaded = TaskModelFromArtifact(*artifact, path.string());
  if (!loaded.ok()) throw InputError(loaded.status().message());
  TaskModel model = *loaded;
  model->to(NodeDevice(device_name));
  model->eval();
  return model;
}

}  // namespace xstilts
