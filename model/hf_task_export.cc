#include "model/hf_task_export.h"

#include "model/model_weights.h"

namespace xstilts {
namespace {

// The encoder's tensors under `roberta.`, without its pooler (the task classes other than
// multiple choice build RobertaModel with add_pooling_layer=False).
NamedTensors EncoderWithoutPooler(const Encoder& encoder) {
  NamedTensors tensors;
  for (const auto& [name, tensor] : ModuleTensors(*encoder)) {
    if (name.rfind("pooler.", 0) != 0) tensors.emplace_back("roberta." + name, tensor);
  }
  return tensors;
}

void AddHead(NamedTensors& tensors, const TaskHeadImpl& head, const std::string& from, const std::string& to) {
  for (const auto& [name, tensor] : ModuleTensors(head)) {
    if (name.rfind(from, 0) == 0) tensors.emplace_back(to + name.substr(from.size()), tensor);
  }
}

// id2label / label2id (which set transformers' num_labels) from the task's label names, or
// LABEL_<i> when the model does not know them.
void SetLabels(EncoderConfig& config, int64_t num_labels, const std::vector<std::string>& names) {
  const bool named = static_cast<int64_t>(names.size()) == num_labels;
  nlohmann::json id2label = nlohmann::json::object(), label2id = nlohmann::json::object();
  for (int64_t i = 0; i < num_labels; ++i) {
    const std::string label = named ? names[static_cast<size_t>(i)] : "LABEL_" + std::to_string(i);
    id2label[std::to_string(i)] = label;
    label2id[label] = i;
  }
  config.extra["id2label"] = id2label;
  config.extra["label2id"] = label2id;
}

}  // namespace

Status ExportHfTaskCheckpoint(const std::string& dir, TaskModel& model, const std::string& task) {
  const TaskSpec* spec = nullptr;
  std::string names;
  for (const TaskSpec& t : model->tasks()) {
    if (t.name == task) spec = &t;
    names += (names.empty() ? "" : ", ") + t.name;
  }
  if (spec == nullptr) {
    return Status::Error(ErrorKind::kInvalidInput,
                         "the model has no task '" + task + "' (its tasks: " + (names.empty() ? "none" : names) + ")");
  }
  TaskHeadImpl& head = model->head(task);
  EncoderConfig config = model->roberta->config();
  // Head settings of the checkpoint the encoder came from must not leak into this head's config.
  for (const char* key : {"id2label", "label2id", "num_labels", "problem_type"}) config.extra.erase(key);
  NamedTensors tensors = EncoderWithoutPooler(model->roberta);
  std::string suffix;
  switch (spec->kind) {
    case TaskKind::kSequenceClassification:
      suffix = "ForSequenceClassification";
      AddHead(tensors, head, "", "classifier.");
      SetLabels(config, spec->num_labels, spec->labels);
      if (spec->num_labels == 1) config.extra["problem_type"] = "regression";
      break;
    case TaskKind::kTokenClassification:
      suffix = "ForTokenClassification";
      AddHead(tensors, head, "classifier.", "classifier.");
      SetLabels(config, spec->num_labels, spec->labels);
      break;
    case TaskKind::kQuestionAnswering:
      suffix = "ForQuestionAnswering";
      AddHead(tensors, head, "qa_outputs.", "qa_outputs.");
      SetLabels(config, 2, {});  // qa_outputs: start and end
      break;
    case TaskKind::kMultipleChoice:
      suffix = "ForMultipleChoice";
      AddHead(tensors, head, "dense.", "roberta.pooler.dense.");
      AddHead(tensors, head, "classifier.", "classifier.");
      break;
    case TaskKind::kMaskedLm:
      suffix = "ForMaskedLM";
      AddHead(tensors, head, "", "lm_head.");
      break;
  }
  config.extra["architectures"] = {HfArchitecture(config, suffix)};
  return WriteHfDirectory(dir, config, tensors);
}

}  // namespace xstilts
