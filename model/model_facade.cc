#include "model/model_facade.h"

#include "model/checkpoint_h5.h"
#include "model/hf_task_export.h"
#include "model/model_weights.h"

namespace xstilts {
namespace {

constexpr const char* kMlmTask = "mlm";

MaskedLmHead FindMlmHead(TaskModel& model) {
  for (const TaskSpec& task : model->tasks()) {
    if (task.kind != TaskKind::kMaskedLm) continue;
    auto* head = dynamic_cast<MaskedLmHeadImpl*>(&model->head(task.name));
    return MaskedLmHead(std::shared_ptr<MaskedLmHeadImpl>(model.ptr(), head));
  }
  return MaskedLmHead(nullptr);
}

}  // namespace

Status ImportHfModel(const std::string& hf_dir, const std::string& artifact_path) {
  auto hf = ImportHfCheckpoint(hf_dir);
  if (!hf.ok()) return hf.status();
  const bool with_head = !hf->mlm_head.is_empty();
  std::vector<TaskSpec> tasks;
  if (with_head) tasks.push_back({kMlmTask, TaskKind::kMaskedLm, 0});
  TaskModel model(hf->config, tasks, hf->encoder->has_pooler());
  NamedTensors tensors;
  for (const auto& [name, tensor] : ModuleTensors(*hf->encoder)) tensors.emplace_back("roberta." + name, tensor);
  if (with_head) {
    for (const auto& [name, tensor] : ModuleTensors(*hf->mlm_head)) {
      tensors.emplace_back(std::string("heads.") + kMlmTask + "." + name, tensor);
    }
  }
  auto loaded = LoadIntoModule(*model, tensors, hf_dir);
  if (!loaded.ok()) return loaded.status();
  return SaveModelArtifact(artifact_path, *model);
}

Status ExportHfModel(const std::string& artifact_path, const std::string& hf_dir, const std::string& task) {
  auto artifact = LoadModelArtifact(artifact_path);
  if (!artifact.ok()) return artifact.status();
  auto model = TaskModelFromArtifact(*artifact, artifact_path);
  if (!model.ok()) return model.status();
  if (!task.empty()) {
    Status exported = ExportHfTaskCheckpoint(hf_dir, *model, task);
    if (exported.ok() || exported.kind() != ErrorKind::kInvalidInput) return exported;
    return Status::Error(exported.kind(), artifact_path + ": " + exported.message());  // no such task
  }
  return ExportHfCheckpoint(hf_dir, (*model)->roberta, FindMlmHead(*model));
}

Result<ModelSummary> DescribeModelArtifact(const std::string& artifact_path) {
  auto artifact = LoadModelArtifact(artifact_path);
  if (!artifact.ok()) return artifact.status();
  ModelSummary summary;
  summary.config = artifact->config;
  for (const TaskSpec& task : artifact->tasks) {
    summary.task_names.push_back(task.name);
    summary.task_kinds.push_back(TaskKindName(task.kind));
  }
  for (const auto& item : artifact->tensors) {
    if (item.second.is_floating_point()) summary.parameters += item.second.numel();
  }
  return summary;
}

bool CudaAvailable() { return torch::cuda::is_available(); }

}  // namespace xstilts
