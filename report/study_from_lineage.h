// BuildStudy: reads a finished pipeline's results into a Study (report/study.h), labelling each
// result by the nodes that made it, placed as report/study_placement.h says. The rules (docs/report.md):
//
// - A result is a node with a `metrics` output (evaluate, retrieve). Its model chain follows the
//   `model` inputs upstream: train nodes, then the root model (import_hf, pretrain_mlm,
//   init_model...), whose node name is the model variant.
// - For `evaluate`, the train node nearest to the result trained the target task; for `retrieve`
//   there is no target training. The other train nodes of the chain are intermediate training;
//   each is labelled by its `tasks` param joined with "+" (its node name when `tasks` is empty), and
//   several are joined with " > " from the first trained. No intermediate node = the baseline.
// - Results of one cell with different seeds are its replicates (report/study_replicates.h); results
//   that differ in anything else are refused.
// - The target task is the metrics artifact's `task`; its primary metric is the first column.
// - The compute of (model, intermediate) is the sum of the records of the nodes upstream of the
//   intermediate train nodes (themselves included) that are not upstream of the root model.
//
// Throws InputError naming the node when a result has no model input or cannot be read.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/node_type.h"
#include "report/study.h"

namespace xstilts {

struct StudyOptions {
  std::string title = "Intermediate-task training: gains and compute";
  std::vector<std::string> monolingual;  // model variant names (root model nodes) that are monolingual
};

struct StudyInput {
  std::vector<LineageNode> lineage;   // the results and everything upstream, topological order
  std::vector<std::string> results;   // names of the result nodes, in pipeline order
  // Node name -> the FLOPs projected for it before it ran (nodes/estimate/cost_estimate.h), where
  // the caller has an estimate; summed next to the recorded FLOPs (Compute::projected_flops).
  std::map<std::string, double> projected_flops;
};

// Each result's metrics are read from <entry_dir>/metrics.h5 of its lineage node.
Study BuildStudy(const StudyInput& input, const StudyOptions& options);

}  // namespace xstilts
