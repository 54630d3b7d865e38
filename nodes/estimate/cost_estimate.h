// The cost of a pipeline's model nodes before they run: for each train, pretrain_mlm, evaluate
// and retrieve node, the tokens it will process and its FLOPs by the formula its cost record uses
// after the run (EncoderFlops, model/encoder_flops.h), with the parameter count of its model
// (model_shape.h) and the token counts of its data (token_counts.h).
//
// Contract:
// - Input: the lineage of the nodes to estimate (engine/lineage.h BuildLineage over the planned
//   pipeline: names, types, typed params, input wiring, cache records and entry folders); nodes
//   the lineage holds but does not need are ignored. A node's own cache record is never read, so
//   an estimate is the same before and after the node has run (only upstream sizes count).
// - Output: one NodeEstimate per node of those four types, in lineage order; no other types (they
//   record no FLOPs). `source` says what the numbers rest on (estimate_source.h); kUnknown means
//   flops = 0 and `note` says what is missing.
// - How training runs are counted: steps as the train body derives them (steps, or
//   ceil(epochs x examples / (batch_size x grad_accumulation) / (1 - mlm_share))); every batch
//   of an epoch, the last one short (no batch is dropped); with several tasks, each micro-batch's
//   task replayed from the run's sampler and seed; tokens without padding, as Batch::NumTokens
//   counts them; the attention term at the longest feature. With early stopping (a dev input,
//   eval_every and early_stopping_patience) the run may end sooner: `upper_bound` is set.
// - Never throws: a node whose estimate fails (a lineage without a node it names, params its run
//   would refuse) gets kUnknown, flops 0, and the reason in `note`.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "graph/node_type.h"
#include "nodes/estimate/estimate_source.h"

namespace xstilts {

struct NodeEstimate {
  std::string name;
  std::string type;
  bool training = false;         // train, pretrain_mlm (3x the forward FLOPs)
  double tokens = 0;             // token positions through the encoder
  double flops = 0;
  int64_t parameters = 0;        // of the model it trains or runs
  int64_t sequence_length = 0;   // of the attention term
  int64_t steps = 0;             // optimizer updates (training)
  EstimateSource source = EstimateSource::kUnknown;
  bool upper_bound = false;      // early stopping may end the run sooner
  std::string note;              // where the numbers come from, for people
};

struct CostEstimateOptions {
  std::filesystem::path pipeline_dir;  // resolves the local paths of `files` nodes (a model's config.json)
};

std::vector<NodeEstimate> EstimateNodeCosts(const std::vector<LineageNode>& lineage, const CostEstimateOptions& options);

// Node name -> projected FLOPs, for the estimated nodes whose source is known: what the report
// sets next to the FLOPs their runs recorded (report/study_from_lineage.h StudyInput).
std::map<std::string, double> ProjectedFlops(const std::vector<LineageNode>& lineage,
                                             const CostEstimateOptions& options);

}  // namespace xstilts
