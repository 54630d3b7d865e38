// The body of init_model (descriptor: nodes/init_model_node.cc).
#include <fmt/format.h>

#include "base/input_error.h"
#include "model/heads.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/torch_node_bodies.h"

namespace xstilts {
namespace {

void RunInitModel(NodeContext& ctx) {
  torch::set_num_threads(std::max(ctx.threads(), 1));
  const nlohmann::json& p = ctx.params();
  const TokenizerIds ids = ReadTokenizerIds(ctx.input("tokenizer"));
  if (ids.pad_id < 0) {
    throw InputError(ctx.input("tokenizer").string() + ": the tokenizer has no <pad> id; the encoder's position "
                     "ids need one (use id_layout: fairseq)");
  }
  EncoderConfig config;
  config.model_type = "xlm-roberta";
  config.vocab_size = ids.vocab_size;
  config.hidden_size = p["hidden"].get<int64_t>();
  config.num_hidden_layers = p["layers"].get<int64_t>();
  config.num_attention_heads = p["heads"].get<int64_t>();
  config.intermediate_size = p["ffn"].get<int64_t>();
  config.hidden_dropout_prob = p["dropout"].get<double>();
  config.attention_probs_dropout_prob = p["dropout"].get<double>();
  // Positions start after the pad id, as in RoBERTa: max_positions + pad_id + 1 embeddings.
  config.max_position_embeddings = p["max_positions"].get<int64_t>() + ids.pad_id + 1;
  config.pad_token_id = ids.pad_id;
  config.bos_token_id = ids.bos_id;
  config.eos_token_id = ids.eos_id;
  Status valid = config.Validate("params");
  if (!valid.ok()) throw InputError(valid.message());

  torch::manual_seed(p["seed"].get<uint64_t>());
  TaskModel model(config, std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm, 0}});
  WriteModelOutput(*model, ctx.output("model"));
  const int64_t parameters = ParameterCount(*model);
  ctx.cost().parameters = static_cast<double>(parameters);
  ctx.Progress(1.0, fmt::format("{} parameters", parameters));
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("init_model", RunInitModel);

}  // namespace xstilts
