// init_model: a randomly initialized RoBERTa / XLM-R encoder with a masked-LM head, sized from a
// tokenizer. The body lives in the LibTorch node module (nodes/torch/init_model_body.cc).
#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

NodeType MakeInitModelNodeType() {
  NodeType t;
  t.name = "init_model";
  t.summary = "A randomly initialized encoder (RoBERTa / XLM-R architecture) with a masked-LM head, "
              "its vocabulary and special ids taken from a tokenizer.";
  t.example = R"(model:
  type: init_model
  inputs: {tokenizer: spm}
  params: {layers: 2, hidden: 64, heads: 4, ffn: 256, max_positions: 128, seed: 1})";
  t.version = 1;
  t.inputs = {PortSpec{"tokenizer", "tokenizer", "gives vocab_size, pad, <s> and </s> ids"}};
  t.outputs = {PortSpec{"model", "model", "encoder + masked-LM head (task 'mlm')"}};
  t.params = {
      ParamSpec{"layers", ParamType::kInt, 12, "transformer layers"},
      ParamSpec{"hidden", ParamType::kInt, 768, "hidden size (a multiple of heads)"},
      ParamSpec{"heads", ParamType::kInt, 12, "attention heads"},
      ParamSpec{"ffn", ParamType::kInt, 3072, "feed-forward (intermediate) size"},
      ParamSpec{"max_positions", ParamType::kInt, 512, "longest sequence the position embeddings allow"},
      ParamSpec{"dropout", ParamType::kFloat, 0.1, "hidden and attention dropout"},
      ParamSpec{"seed", ParamType::kInt, 0, "seed of the initialization (normal, std 0.02)"},
  };
  t.resources.threads = 1;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeInitModelNodeType);

}  // namespace xstilts
