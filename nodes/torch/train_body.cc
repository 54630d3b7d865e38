// The body of train (descriptor: nodes/train_node.cc).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <set>

#include "base/input_error.h"
#include "model/model_weights.h"
#include "model/multitask_source.h"
#include "model/task_sampler.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/token_batches.h"
#include "nodes/torch/torch_node_bodies.h"
#include "nodes/torch/training_run.h"

namespace xstilts {
namespace {

constexpr char kMlmTask[] = "mlm";  // the head of the mlm input (an imported masked-LM model's head)

std::vector<std::string> TaskNames(const nlohmann::json& given, const std::vector<TokenDataset>& data) {
  std::vector<std::string> names = given.get<std::vector<std::string>>();
  if (!names.empty() && names.size() != data.size()) {
    throw InputError(fmt::format("tasks: {} names for {} train inputs", names.size(), data.size()));
  }
  if (names.empty()) {
    for (const TokenDataset& d : data) {
      std::string name = d.info.format.empty() ? TaskTypeName(d.info.task) : d.info.format;
      std::string unique = name;
      for (int n = 2; std::find(names.begin(), names.end(), unique) != names.end(); ++n) unique = name + "_" + std::to_string(n);
      names.push_back(unique);
    }
  }
  std::set<std::string> seen;
  for (const std::string& n : names) {
    if (!seen.insert(n).second) throw InputError("tasks: the name '" + n + "' is given twice");
  }
  return names;
}

// The encoder of `artifact`, and with init full also the heads of the same name (which must be of
// the same kind and size); other heads start from the seeded initialization.
void LoadStart(TaskModel& model, const ModelArtifact& artifact, bool full, const std::string& source) {
  Result<LoadReport> encoder = LoadEncoderWeights(model->roberta, artifact.tensors, source);
  if (!encoder.ok()) throw InputError(encoder.status().message());
  if (!full) return;
  for (const TaskSpec& spec : model->tasks()) {
    for (const TaskSpec& have : artifact.tasks) {
      if (have.name != spec.name) continue;
      if (have.kind != spec.kind || (spec.kind != TaskKind::kMaskedLm && spec.kind != TaskKind::kQuestionAnswering &&
                                     spec.kind != TaskKind::kMultipleChoice && have.num_labels != spec.num_labels)) {
        throw InputError(fmt::format("{}: head '{}' is {} with {} labels, the training data needs {} with {} "
                                     "(use init: encoder, or another task name)",
                                     source, spec.name, TaskKindName(have.kind), have.num_labels,
                                     TaskKindName(spec.kind), spec.num_labels));
      }
      const std::string prefix = "heads." + spec.name + ".";
      NamedTensors head;
      for (const auto& [name, tensor] : artifact.tensors) {
        if (name.rfind(prefix, 0) == 0) head.emplace_back(name.substr(prefix.size()), tensor);
      }
      Result<LoadReport> loaded = LoadIntoModule(model->head(spec.name), head, source, LoadOptions{false, false, "model/" + prefix});
      if (!loaded.ok()) throw InputError(loaded.status().message());
    }
  }
}

// The batches of the run: one task's alone, or each step's task drawn as `sampling` says, with the
// mlm corpus (when given) drawn for mlm_share of the steps. Logs the shares.
std::unique_ptr<BatchSource> TrainingBatches(NodeContext& ctx, const std::vector<TaskData>& tasks,
                                             const std::vector<std::string>& names, std::optional<MlmCorpus> mlm,
                                             double mlm_share, int64_t batch_size, uint64_t seed) {
  const nlohmann::json& p = ctx.params();
  if (tasks.size() == 1 && !mlm) return std::make_unique<TensorBatchSource>(tasks[0].examples, batch_size, true, seed);
  std::vector<int64_t> sizes;
  std::vector<MultiTaskBatchSource::Task> sources;
  for (size_t i = 0; i < tasks.size(); ++i) {
    sizes.push_back(tasks[i].rows);
    // Each task's batch order from its own seed, so adding a task does not reorder the others.
    sources.push_back({tasks[i].spec.name, std::make_unique<TensorBatchSource>(tasks[i].examples, batch_size, true,
                                                                                MixSeed(seed, i))});
  }
  Result<std::vector<double>> probabilities = TaskSamplingProbabilities(sizes, TaskSamplingOptionsFromParams(p));
  if (!probabilities.ok()) throw InputError(probabilities.status().message());
  std::vector<std::string> shown = names;
  if (mlm) {
    for (double& share : *probabilities) share *= 1.0 - mlm_share;
    probabilities->push_back(mlm_share);
    sources.push_back({kMlmTask, std::move(mlm->batches)});
    shown.push_back(kMlmTask);
  }
  std::string shares;
  for (size_t i = 0; i < shown.size(); ++i) shares += fmt::format("{}{} {:.3f}", i ? ", " : "", shown[i], (*probabilities)[i]);
  ctx.Log("task sampling: " + shares);
  return std::make_unique<MultiTaskBatchSource>(std::move(sources), TaskSampler(*probabilities, seed));
}

void RunTrain(NodeContext& ctx) {
  const nlohmann::json& p = ctx.params();
  torch::set_num_threads(std::max(ctx.threads(), 1));
  const std::string model_source = ctx.input("model").string();
  const ModelArtifact artifact = ReadModelInput(ctx.input("model"));
  const EncoderConfig& config = artifact.config;

  const std::vector<std::filesystem::path> train_paths = ctx.inputs("train");
  std::vector<TokenDataset> train_tokens;
  for (const auto& path : train_paths) train_tokens.push_back(ReadTokenDataset(path));
  const std::vector<std::string> names = TaskNames(p["tasks"], train_tokens);
  std::vector<TaskData> tasks;
  int64_t examples = 0, longest = 0;
  for (size_t i = 0; i < train_tokens.size(); ++i) {
    tasks.push_back(TaskDataFromTokens(train_tokens[i], names[i], config.vocab_size, train_paths[i].string()));
    examples += tasks.back().rows;
    longest = std::max(longest, tasks.back().sequence_length);
    if (tasks.back().sequence_length > config.MaxSequenceLength()) {
      throw InputError(fmt::format("{}: features of {} tokens are longer than the model's positions allow ({})",
                                   train_paths[i].string(), tasks.back().sequence_length, config.MaxSequenceLength()));
    }
  }
  train_tokens.clear();
  std::optional<TaskData> dev;
  if (!ctx.inputs("dev").empty()) {
    dev = TaskDataFromTokens(ReadTokenDataset(ctx.input("dev")), names[0], config.vocab_size, ctx.input("dev").string());
    if (dev->spec.kind != tasks[0].spec.kind || dev->spec.num_labels != tasks[0].spec.num_labels) {
      throw InputError(fmt::format("{}: the dev set is {} with {} labels, the first task {} with {}", ctx.input("dev").string(),
                                   TaskKindName(dev->spec.kind), dev->spec.num_labels, TaskKindName(tasks[0].spec.kind),
                                   tasks[0].spec.num_labels));
    }
  }

  const int64_t batch_size = p["batch_size"].get<int64_t>();
  const int64_t accumulation = p["grad_accumulation"].get<int64_t>();
  if (batch_size <= 0) throw InputError("batch_size: must be positive");
  if (accumulation <= 0) throw InputError("grad_accumulation: must be positive");
  const uint64_t seed = p["seed"].get<uint64_t>();
  // Masked-LM training on a corpus alongside the tasks: its own task, drawn for mlm_share of the updates.
  const double mlm_share = ctx.inputs("mlm").empty() ? 0.0 : p["mlm_share"].get<double>();
  std::optional<MlmCorpus> mlm;
  if (mlm_share > 0) {
    if (std::find(names.begin(), names.end(), kMlmTask) != names.end()) {
      throw InputError(std::string("tasks: '") + kMlmTask + "' is the mlm input's head; name the task otherwise");
    }
    mlm = MlmCorpusBatches(ReadTokenDataset(ctx.input("mlm")), config, 0, batch_size, p["mlm_mask_prob"].get<double>(),
                           MixSeed(seed, tasks.size()), ctx.input("mlm").string());
    longest = std::max(longest, mlm->length);
    ctx.Log(fmt::format("mlm: {} sequences of {} tokens, {:.3f} of the updates", mlm->rows, mlm->length, mlm_share));
  }
  int64_t steps = p["steps"].get<int64_t>();
  if (steps <= 0) {
    const double epochs = p["epochs"].get<double>();
    if (!(epochs > 0)) throw InputError("epochs: must be positive when steps is 0");
    // Epochs count the tasks' examples: with an mlm share, more updates so that the tasks get theirs.
    steps = static_cast<int64_t>(std::ceil(epochs * static_cast<double>(examples) /
                                           static_cast<double>(batch_size * accumulation) / (1.0 - mlm_share)));
  }

  std::vector<TaskSpec> specs;
  for (const TaskData& t : tasks) specs.push_back(t.spec);
  if (mlm) specs.push_back({kMlmTask, TaskKind::kMaskedLm, 0});
  bool with_pooler = false;
  for (const auto& item : artifact.tensors) with_pooler = with_pooler || item.first == "roberta.pooler.dense.weight";
  torch::manual_seed(seed);
  TaskModel model(config, specs, with_pooler);
  LoadStart(model, artifact, p["init"].get<std::string>() == "full", model_source);

  std::unique_ptr<BatchSource> source = TrainingBatches(ctx, tasks, names, std::move(mlm), mlm_share, batch_size, seed);

  TrainOptions options = CommonTrainOptions(ctx, seed);
  options.max_steps = steps;
  options.warmup_steps = static_cast<int64_t>(std::llround(p["warmup_ratio"].get<double>() * static_cast<double>(steps)));
  options.gradient_accumulation_steps = accumulation;
  options.eval_every_steps = p["eval_every"].get<int64_t>();
  options.early_stopping_patience = p["early_stopping_patience"].get<int64_t>();
  const torch::Device device = NodeDevice(options.device);

  std::shared_ptr<TaskModelImpl> module = model.ptr();
  Trainer trainer(module, [module](const Batch& b) { return module->forward(b).loss; }, options);
  const std::string metric_name = dev ? DevScoreName(dev->spec) : "";
  if (dev) trainer.set_evaluator([&] { return DevScore(*module, *dev, batch_size, device); });
  StepLog log(ctx.resume_dir() / "steps.jsonl");
  const TrainResult result = RunTrainer(ctx, trainer, *source, steps, log);
  RecordTrainingCost(ctx, result, *model, longest, device);
  if (result.interrupted) return;
  if (result.best_step >= 0) {
    ctx.Log(fmt::format("best {} {:.4f} at step {}{}", metric_name, result.best_metric, result.best_step,
                        result.stopped_early ? " (stopped early)" : ""));
  }
  model->to(torch::kCPU);
  WriteModelOutput(*model, ctx.output("model"));
  WriteTrainingLog(ctx.output("log"), log, result, metric_name);
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("train", RunTrain);

}  // namespace xstilts
