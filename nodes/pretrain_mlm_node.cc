// pretrain_mlm: masked-LM training of a model on a corpus of token features packed into full
// sequences. Body in the LibTorch node module (nodes/torch/pretrain_mlm_body.cc).
#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

NodeType MakePretrainMlmNodeType() {
  NodeType t;
  t.name = "pretrain_mlm";
  t.summary = "Masked-LM training (RoBERTa style: mask_prob of the tokens selected, 80% <mask>, 10% random, "
              "10% kept) on the token features of a corpus, concatenated and cut into full sequences.";
  t.example = R"(pretrain:
  type: pretrain_mlm
  inputs: {model: init, tokens: corpus_tokens}
  params: {steps: 1000, batch_size: 32, lr: 5.0e-4, warmup: 100, checkpoint_every: 100})";
  t.version = 1;
  t.inputs = {PortSpec{"model", "model", "the model to train; its masked-LM head is trained, or a new one (task 'mlm') is added"},
              PortSpec{"tokens", "tokens", "the corpus (any task: only input_ids are read), tokenized with the model's tokenizer"}};
  t.outputs = {PortSpec{"model", "model", "the trained model, heads of the input kept"}};
  t.params = {
      ParamSpec{"steps", ParamType::kInt, 1000, "optimizer updates"}.AtLeast(1),
      ParamSpec{"batch_size", ParamType::kInt, 32, "sequences per update"}.AtLeast(1),
      ParamSpec{"max_length", ParamType::kInt, 0,
                "tokens per packed sequence; 0 = the tokens artifact's max_length (at most what the model's positions allow)"},
      ParamSpec{"lr", ParamType::kFloat, 5e-4, "peak learning rate (AdamW)"}.Above(0),
      ParamSpec{"warmup", ParamType::kInt, 0, "updates of linear warmup; then linear decay to 0"}.AtLeast(0),
      ParamSpec{"weight_decay", ParamType::kFloat, 0.01, "AdamW weight decay (not on biases and LayerNorm)"}.AtLeast(0),
      ParamSpec{"grad_clip", ParamType::kFloat, 1.0, "global gradient-norm clipping; 0 = none"}.AtLeast(0),
      ParamSpec{"seed", ParamType::kInt, 0, "seed of batch order, masking and dropout"},
      ParamSpec{"mask_prob", ParamType::kFloat, 0.15, "share of the (non-special) tokens selected for prediction"}
          .Above(0)
          .AtMost(1),
      ParamSpec{"checkpoint_every", ParamType::kInt, 100,
                "updates between resume checkpoints (an interrupted run continues from the last); 0 = none", {}, false},
      ParamSpec{"device", ParamType::kString, "auto", "where to train", {"auto", "cpu", "cuda"}},
      ParamSpec{"bf16", ParamType::kBool, false, "bf16 autocast of the forward pass (CUDA only)"},
  };
  t.resources.threads = 0;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakePretrainMlmNodeType);

}  // namespace xstilts
