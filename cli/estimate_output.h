// What `xstilts estimate` prints: the table of nodes, the totals per model and per (model,
// intermediate task), the pipeline total, and the nodes that rest on declarations; or all of it
// as one JSON object. Pure formatting of nodes/estimate/ results; no I/O beyond stdout.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "nodes/estimate/cost_estimate.h"
#include "nodes/estimate/cost_groups.h"

namespace xstilts {

// A GPU to convert FLOPs to GPU-hours on: a known one (name) or a given peak.
struct GpuChoice {
  std::string name;  // "a100", or "" for a peak given with --tflops
  double tflops = 0;
  double mfu = 0;
};

struct EstimateReport {
  std::vector<NodeEstimate> nodes;
  CostBreakdown breakdown;
  std::map<std::string, double> recorded_flops;  // what a node's cache record says, when it has one
  std::optional<GpuChoice> gpu;
};

// Human-readable, to stdout.
void PrintEstimate(const EstimateReport& report);
// {"nodes": [{"name", "type", "flops", "tokens", ...}], "total_flops", "models", "cells",
//  "declared_nodes", "unknown_nodes", "gpu"?, "total_gpu_hours"?}
nlohmann::json EstimateJson(const EstimateReport& report);

}  // namespace xstilts
