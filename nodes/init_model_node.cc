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
      ParamSpec{"layers", ParamType::kInt, 12, "transformer layers"}.AtLeast(1),
      ParamSpec{"hidden", ParamType::kInt, 768, "hidden size (a multiple of heads)"}.AtLeast(1),
      ParamSpec{"heads", ParamType::kInt, 12, "attention heads"}.AtLeast(1),
      ParamSpec{"ffn", ParamType::kInt, 3072, "feed-forward (intermediate) size"}.AtLeast(1),
      ParamSpec{"max_positions", ParamType::kInt, 512, "longest sequence the position embeddings allow"}.AtLeast(1),
      ParamSpec{"dropout", ParamType::kFloat, 0.1, "hidden and attention dropout"}.AtLeast(0).AtMost(1),
      ParamSpec{"seed", ParamType::kInt, 0, "seed of the initialization (normal, std 0.02)"},
  };
  t.check_params = [](const nlohmann::json& params) {
    std::vector<ParamProblem> problems;
    const int64_t hidden = params["hidden"].get<int64_t>(), heads = params["heads"].get<int64_t>();
    if (hidden % heads != 0) {
      problems.push_back({"hidden", "hidden (" + std::to_string(hidden) + ") must be a multiple of heads (" +
                                        std::to_string(heads) + ")"});
    }
    return problems;
  };
  t.resources.threads = 1;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeInitModelNodeType);

}  // namespace xstilts
