#include "nodes/estimate/cost_estimate.h"

#include "nodes/estimate/training_estimate.h"

namespace xstilts {

std::vector<NodeEstimate> EstimateNodeCosts(const std::vector<LineageNode>& lineage, const CostEstimateOptions& options) {
  LineageMap nodes;
  for (const LineageNode& n : lineage) nodes[n.name] = &n;
  std::vector<NodeEstimate> estimates;
  for (const LineageNode& node : lineage) {
    const bool known = node.type == "train" || node.type == "pretrain_mlm" || node.type == "evaluate" ||
                       node.type == "retrieve";
    if (!known) continue;
    try {
      if (node.type == "train") {
        estimates.push_back(EstimateTrain(nodes, node, options.pipeline_dir));
      } else if (node.type == "pretrain_mlm") {
        estimates.push_back(EstimatePretrainMlm(nodes, node, options.pipeline_dir));
      } else {
        estimates.push_back(EstimateInference(nodes, node, options.pipeline_dir));
      }
    } catch (const std::exception& e) {
      NodeEstimate failed;
      failed.name = node.name;
      failed.type = node.type;
      failed.training = node.type == "train" || node.type == "pretrain_mlm";
      failed.note = e.what();
      estimates.push_back(failed);
    }
  }
  return estimates;
}

std::map<std::string, double> ProjectedFlops(const std::vector<LineageNode>& lineage,
                                             const CostEstimateOptions& options) {
  std::map<std::string, double> out;
  for (const NodeEstimate& e : EstimateNodeCosts(lineage, options)) {
    if (e.source != EstimateSource::kUnknown) out[e.name] = e.flops;
  }
  return out;
}

}  // namespace xstilts
