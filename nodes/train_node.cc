// train: fine-tuning on one task, or on several at once (multi-task as jiant does it), with dev
// evaluation, best-checkpoint selection, early stopping and resumable checkpoints. Body in the
// LibTorch node module (nodes/torch/train_body.cc).
#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

NodeType MakeTrainNodeType() {
  NodeType t;
  t.name = "train";
  t.summary = "Fine-tunes a model on one task or several at once (one tokens artifact per task, a head per "
              "task; the task of each step drawn proportionally, capped or by temperature), evaluating on a dev "
              "set every eval_every steps and keeping the best checkpoint.";
  t.example = R"(train_xnli:
  type: train
  inputs: {model: pretrain, train: xnli_train_tokens, dev: xnli_dev_tokens}
  params: {epochs: 2, batch_size: 32, lr: 2.0e-5, warmup_ratio: 0.1, eval_every: 500,
           early_stopping_patience: 3, init: encoder})";
  t.version = 1;
  t.inputs = {PortSpec{"model", "model", "the starting point (see `init`)"},
              PortSpec{"train", "tokens", "training data, one tokens artifact per task", false, true},
              PortSpec{"dev", "tokens", "dev set of the first task: evaluated every eval_every steps", true},
              PortSpec{"mlm", "tokens",
                       "a corpus (e.g. multilingual) for masked-LM training alongside the tasks, with head 'mlm', drawn "
                       "for mlm_share of the updates; tokenized with the model's tokenizer (only input_ids are read)",
                       true}};
  t.outputs = {PortSpec{"model", "model", "encoder + one head per task; the best dev checkpoint when a dev set is given"},
               PortSpec{"log", "metrics", "per-update loss, learning rate and gradient norm, and the dev scores"}};
  t.params = {
      ParamSpec{"tasks", ParamType::kStringList, nlohmann::json::array(),
                "head names, one per train artifact; default: each artifact's format (xnli, panx, ...)"},
      ParamSpec{"steps", ParamType::kInt, 0, "optimizer updates; 0 = from epochs"}.AtLeast(0),
      ParamSpec{"epochs", ParamType::kFloat, 1.0,
                "passes over all training examples (when steps is 0): steps = ceil(epochs x examples / (batch_size x grad_accumulation))"},
      ParamSpec{"batch_size", ParamType::kInt, 32, "examples per micro-batch"}.AtLeast(1),
      ParamSpec{"grad_accumulation", ParamType::kInt, 1, "micro-batches per update"}.AtLeast(1),
      ParamSpec{"lr", ParamType::kFloat, 2e-5, "peak learning rate (AdamW)"}.Above(0),
      ParamSpec{"warmup_ratio", ParamType::kFloat, 0.1, "share of the updates with linear warmup; then linear decay to 0"}
          .AtLeast(0)
          .AtMost(1),
      ParamSpec{"weight_decay", ParamType::kFloat, 0.01, "AdamW weight decay (not on biases and LayerNorm)"}.AtLeast(0),
      ParamSpec{"grad_clip", ParamType::kFloat, 1.0, "global gradient-norm clipping; 0 = none"}.AtLeast(0),
      ParamSpec{"seed", ParamType::kInt, 0, "seed of new heads, batch order, task sampling and dropout"},
      ParamSpec{"sampling", ParamType::kString, "proportional", "how the task of each step is drawn (several tasks)",
                {"proportional", "capped", "temperature", "uniform"}},
      ParamSpec{"temperature", ParamType::kFloat, 2.0, "sampling: temperature: p_i ∝ n_i^(1/temperature)"}.Above(0),
      ParamSpec{"cap", ParamType::kInt, 0, "sampling: capped (and temperature when > 0): n_i -> min(n_i, cap)"}
          .AtLeast(0),
      ParamSpec{"mlm_share", ParamType::kFloat, 0.0,
                "with an mlm input: the share of the updates drawn from it (the tasks share the rest as sampling "
                "says; epochs then count the tasks' examples only)"}
          .AtLeast(0)
          .AtMost(0.95)
          .KeyedWhenNotDefault(),
      ParamSpec{"mlm_mask_prob", ParamType::kFloat, 0.15, "with an mlm input: share of its tokens selected for prediction"}
          .Above(0)
          .AtMost(1)
          .KeyedWhenNotDefault(),
      ParamSpec{"init", ParamType::kString, "full",
                "full: encoder and the heads of the same names from the input model; encoder: the encoder only, new heads",
                {"full", "encoder"}},
      ParamSpec{"eval_every", ParamType::kInt, 0, "updates between dev evaluations; 0 = only after the last"}
          .AtLeast(0),
      ParamSpec{"early_stopping_patience", ParamType::kInt, 0, "evaluations without improvement before stopping; 0 = never"}
          .AtLeast(0),
      ParamSpec{"checkpoint_every", ParamType::kInt, 100,
                "updates between resume checkpoints (an interrupted run continues from the last); 0 = none", {}, false},
      ParamSpec{"device", ParamType::kString, "auto", "where to train", {"auto", "cpu", "cuda"}},
      ParamSpec{"bf16", ParamType::kBool, false, "bf16 autocast of the forward pass (CUDA only)"},
  };
  t.check_params = [](const nlohmann::json& params) {
    std::vector<ParamProblem> problems;
    if (params["steps"].get<int64_t>() == 0 && !(params["epochs"].get<double>() > 0)) {
      problems.push_back({"epochs", "needs steps or epochs: with steps 0, epochs must be greater than 0"});
    }
    return problems;
  };
  t.check_inputs = [](const nlohmann::json& params, const std::set<std::string>& connected) {
    std::vector<ParamProblem> problems;
    const double share = params["mlm_share"].get<double>();
    if (connected.count("mlm") && !(share > 0)) {
      problems.push_back({"mlm_share", "an mlm input needs mlm_share, the share of the updates it gets (e.g. 0.2)"});
    }
    if (!connected.count("mlm") && share > 0) problems.push_back({"mlm_share", "mlm_share needs an mlm input (a corpus)"});
    return problems;
  };
  t.resources.threads = 0;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeTrainNodeType);

}  // namespace xstilts
