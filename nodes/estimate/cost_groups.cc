#include "nodes/estimate/cost_groups.h"

#include <algorithm>
#include <set>

#include "report/study_placement.h"

namespace xstilts {

CostBreakdown GroupEstimates(const std::vector<LineageNode>& lineage, const std::vector<NodeEstimate>& estimates,
                             const std::vector<std::string>& monolingual) {
  LineageMap nodes;
  for (const LineageNode& n : lineage) nodes[n.name] = &n;
  std::map<std::string, double> flops;
  CostBreakdown b;
  for (const NodeEstimate& e : estimates) {
    flops[e.name] += e.flops;
    b.total_flops += e.flops;
  }
  auto sum = [&](const std::set<std::string>& names) {
    double total = 0;
    for (const std::string& n : names) total += flops.count(n) ? flops.at(n) : 0.0;
    return total;
  };
  std::map<std::string, std::set<std::string>> per_model;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> intermediate, downstream;
  for (const LineageNode& node : lineage) {
    if (node.type != "evaluate" && node.type != "retrieve") continue;
    const StudyPlacement place = PlaceResult(nodes, node);
    if (std::find(b.models.begin(), b.models.end(), place.model) == b.models.end()) b.models.push_back(place.model);
    const std::set<std::string> up = UpstreamOf(nodes, node.name);
    per_model[place.model].insert(up.begin(), up.end());
    const std::pair<std::string, std::string> cell{place.model, place.intermediate};
    const std::set<std::string> own = IntermediateComputeNodes(nodes, place);
    intermediate[cell].insert(own.begin(), own.end());
    downstream[cell].insert(node.name);
    if (!place.target_node.empty()) downstream[cell].insert(place.target_node);
  }
  for (const std::string& model : b.models) {
    b.model_flops[model] = sum(per_model[model]);
    b.monolingual[model] = std::find(monolingual.begin(), monolingual.end(), model) != monolingual.end();
  }
  for (const auto& [cell, names] : downstream) {
    b.cells[cell].downstream_flops = sum(names);
    b.cells[cell].intermediate_flops = sum(intermediate[cell]);
  }
  return b;
}

}  // namespace xstilts
