// The body of pretrain_mlm (descriptor: nodes/pretrain_mlm_node.cc).
#include <fmt/format.h>

#include "base/input_error.h"
#include "model/model_weights.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/token_batches.h"
#include "nodes/torch/torch_node_bodies.h"
#include "nodes/torch/training_run.h"

namespace xstilts {
namespace {

// The input model, with a masked-LM head added (task "mlm", fresh weights) when it has none.
TaskModel ModelWithMlmHead(const ModelArtifact& artifact, const std::string& source, std::string* head) {
  std::vector<TaskSpec> tasks = artifact.tasks;
  for (const TaskSpec& t : tasks) {
    if (t.kind == TaskKind::kMaskedLm) *head = t.name;
  }
  if (head->empty()) {
    *head = "mlm";
    for (const TaskSpec& t : tasks) {
      if (t.name == *head) throw InputError(source + ": has a head named 'mlm' that is not a masked-LM head");
    }
    tasks.push_back({*head, TaskKind::kMaskedLm, 0});
  }
  bool with_pooler = false;
  for (const auto& item : artifact.tensors) with_pooler = with_pooler || item.first == "roberta.pooler.dense.weight";
  TaskModel model(artifact.config, tasks, with_pooler);
  LoadOptions options;
  options.allow_missing = tasks.size() != artifact.tasks.size();  // only the new head's parameters
  options.file_prefix = "model/";
  Result<LoadReport> loaded = LoadIntoModule(*model, artifact.tensors, source, options);
  if (!loaded.ok()) throw InputError(loaded.status().message());
  for (const std::string& name : loaded->missing) {
    if (name.rfind("heads." + *head + ".", 0) != 0) throw InputError(source + ": missing tensor 'model/" + name + "'");
  }
  return model;
}

void RunPretrainMlm(NodeContext& ctx) {
  const nlohmann::json& p = ctx.params();
  torch::set_num_threads(std::max(ctx.threads(), 1));
  const std::string model_source = ctx.input("model").string();
  const std::string tokens_source = ctx.input("tokens").string();
  const ModelArtifact artifact = ReadModelInput(ctx.input("model"));
  const TokenDataset tokens = ReadTokenDataset(ctx.input("tokens"));
  const int64_t batch_size = p["batch_size"].get<int64_t>();
  if (batch_size <= 0) throw InputError("batch_size: must be positive");
  const uint64_t seed = p["seed"].get<uint64_t>();
  MlmCorpus corpus = MlmCorpusBatches(tokens, artifact.config, p["max_length"].get<int64_t>(), batch_size,
                                      p["mask_prob"].get<double>(), seed, tokens_source);
  ctx.Log(fmt::format("{} sequences of {} tokens", corpus.rows, corpus.length));

  torch::manual_seed(seed);
  std::string head;
  TaskModel model = ModelWithMlmHead(artifact, model_source, &head);

  TrainOptions options = CommonTrainOptions(ctx, seed);
  options.max_steps = p["steps"].get<int64_t>();
  options.warmup_steps = p["warmup"].get<int64_t>();
  const torch::Device device = NodeDevice(options.device);

  std::shared_ptr<TaskModelImpl> module = model.ptr();
  Trainer trainer(module, [module, head](Batch b) {
    b.task = head;
    return module->forward(b).loss;
  }, options);
  StepLog log(ctx.resume_dir() / "steps.jsonl");
  const TrainResult result = RunTrainer(ctx, trainer, *corpus.batches, options.max_steps, log);
  RecordTrainingCost(ctx, result, *model, corpus.length, device);
  if (result.interrupted) return;
  model->to(torch::kCPU);
  WriteModelOutput(*model, ctx.output("model"));
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("pretrain_mlm", RunPretrainMlm);

}  // namespace xstilts
