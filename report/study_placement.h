// Where a node sits in an intermediate-task study: the labelling rule of docs/report.md, in one
// place for the report (study_from_lineage.h) and the cost estimate (nodes/estimate/), so both
// group by the same (model, intermediate) cells.
//
// - A result's model chain follows the `model` inputs upstream: train nodes, then the root model
//   (import_hf, pretrain_mlm, init_model...), whose node name is the model variant.
// - For `evaluate`, the train node nearest to the result trained the target task; for `retrieve`
//   there is no target training. The other train nodes of the chain are intermediate training;
//   each is labelled by its `tasks` param joined with "+" (its node name when `tasks` is empty;
//   "+mlm" added when it trains on an `mlm` corpus alongside), and
//   several are joined with " > " from the first trained. No intermediate node = the baseline.
// - The compute of (model, intermediate) is that of the nodes upstream of the intermediate train
//   nodes (themselves included) that are not upstream of the root model.
// - Its replicate: the seeds of its train nodes (report/study_replicates.h groups by them).
//
// Throws InputError naming the result when it has no model input, std::runtime_error when a
// node named by an input is missing from the map.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "graph/node_type.h"

namespace xstilts {

using LineageMap = std::map<std::string, const LineageNode*>;

// The node `name` of `nodes` (std::runtime_error when missing).
const LineageNode& LineageAt(const LineageMap& nodes, const std::string& name);

// `name` and every node upstream of it.
std::set<std::string> UpstreamOf(const LineageMap& nodes, const std::string& name);

struct StudyPlacement {
  std::string model;                            // the root model's node name
  std::string intermediate;                     // "" for the baseline
  std::vector<std::string> intermediate_nodes;  // first trained first
  std::string root;
  std::string target_node;                      // evaluate: the train node of the target task ("" if none)
  std::string seed;   // the target training's seed (Replicate::seed); "" without a target training
  std::string label;  // the chain's train nodes' seeds, first trained first, a repeat once (Replicate::label)
  // (node name, {"type", "params" without seed, "inputs" of train nodes other than model}): the
  // result, then its train nodes outward; what must agree between the replicates of a cell.
  std::vector<std::pair<std::string, nlohmann::json>> chain;
};

// The placement of a result node (one with a `model` input).
StudyPlacement PlaceResult(const LineageMap& nodes, const LineageNode& result);

// The nodes whose compute is the (model, intermediate) cell's intermediate training.
std::set<std::string> IntermediateComputeNodes(const LineageMap& nodes, const StudyPlacement& place);

}  // namespace xstilts
