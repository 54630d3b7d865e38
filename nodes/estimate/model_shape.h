// The shape of the model a node makes (init_model, import_hf, pretrain_mlm, train), for the cost
// estimate: its encoder config, pooler and heads, hence its parameter count
// (TaskModelParameterCount, model/encoder_flops.h), found without loading any weights.
//
//   init_model   its params, with the vocabulary and pad id of its tokenizer (measured from a
//                cached tokenizer artifact; else a train_tokenizer's vocab_size param, pad id 1)
//   import_hf    config.json: from a `files` node's local path or a cached bundle (measured), else
//                the node's expected_config param (declared); a masked-LM head and no pooler are
//                assumed (the *ForMaskedLM checkpoints the pipelines import)
//   pretrain_mlm its input model with a masked-LM head added when it has none
//   train        its input model's encoder with the heads of its tasks (+ mlm with an mlm input)
//
// Never throws: a shape that cannot be found says kUnknown and `note` why.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "model/encoder_config.h"
#include "model/encoder_flops.h"
#include "nodes/estimate/estimate_source.h"
#include "report/study_placement.h"

namespace xstilts {

struct ModelShape {
  EstimateSource source = EstimateSource::kUnknown;
  EncoderConfig config;
  bool with_pooler = false;
  std::vector<HeadShape> heads;
  std::string note;
  int64_t Parameters() const { return TaskModelParameterCount(config, heads, with_pooler); }
};

// The producers wired to `port` of `node` (none: empty).
const std::vector<std::string>& InputsOf(const LineageNode& node, const std::string& port);

// The model node `name` makes; `pipeline_dir` resolves the local paths of `files` nodes.
ModelShape ShapeOfModel(const LineageMap& nodes, const std::string& name, const std::filesystem::path& pipeline_dir);

}  // namespace xstilts
