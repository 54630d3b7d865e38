// xstilts estimate: the cost of a pipeline's model nodes before they run (nodes/estimate/).
#include <cmath>
#include <cstdio>

#include "base/input_error.h"
#include "base/messages.h"
#include "cli/commands.h"
#include "cli/estimate_output.h"
#include "engine/lineage.h"
#include "graph/cache_key.h"
#include "nodes/estimate/gpu_hours.h"

namespace xstilts {
namespace {

// The GPU of --device / --tflops / --mfu, or nullopt without one; an error message when refused.
std::optional<GpuChoice> ChooseGpu(const EstimateOptions& o, std::string& error) {
  if (!o.device.empty() && o.tflops) {
    error = "--device and --tflops both give the GPU's peak: give one";
    return std::nullopt;
  }
  if (o.mfu && !(*o.mfu > 0 && *o.mfu <= 1)) {
    error = "--mfu: expected a share in (0, 1] (the model FLOPs utilisation), got " + std::to_string(*o.mfu);
    return std::nullopt;
  }
  if (o.device.empty() && !o.tflops) {
    if (o.mfu) error = "--mfu needs --device NAME or --tflops X";
    return std::nullopt;
  }
  GpuChoice gpu;
  gpu.mfu = o.mfu.value_or(kDefaultMfu);
  if (o.tflops) {
    if (!(*o.tflops > 0 && std::isfinite(*o.tflops))) {
      error = "--tflops: expected a positive peak in TFLOPS, got " + std::to_string(*o.tflops);
      return std::nullopt;
    }
    gpu.tflops = *o.tflops;
    return gpu;
  }
  const GpuSpec* spec = FindGpu(o.device);
  if (!spec) {
    error = "--device: unknown GPU '" + o.device + "'; known: " + KnownGpuNames() + " (or give --tflops X)";
    return std::nullopt;
  }
  gpu.name = spec->name;
  gpu.tflops = spec->tflops;
  return gpu;
}

// The model variants the pipeline's report node calls monolingual (none without a report node).
std::vector<std::string> Monolingual(const ResolvedPipeline& pipeline) {
  for (const ResolvedNode& node : pipeline.nodes) {
    if (node.type->name == "report") return node.params["monolingual"].get<std::vector<std::string>>();
  }
  return {};
}

}  // namespace

int EstimateCommand(const EstimateOptions& options) {
  std::string error;
  ChooseGpu(options, error);  // bad flags are refused before the pipeline is loaded
  if (!error.empty()) {
    PrintError(error);
    return 2;
  }
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  // Files that are not here yet (downloads, licensed data) leave their nodes without keys rather
  // than failing; nothing in the cache is checked or changed.
  std::optional<Plan> plan = PlanAsDryRun(*session, exit_code);
  if (!plan) return exit_code;
  return EstimatePlannedCost(*session, *plan, options);
}

int EstimatePlannedCost(Session& session, const Plan& plan, const EstimateOptions& options) {
  std::string error;
  EstimateReport report;
  report.gpu = ChooseGpu(options, error);
  if (!error.empty()) {
    PrintError(error);
    return 2;
  }
  const ResolvedPipeline& pipeline = session.pipeline;
  std::vector<size_t> all(pipeline.nodes.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  const std::vector<LineageNode> lineage = BuildLineage(pipeline, plan, *session.store, all, {});
  for (const LineageNode& node : lineage) {
    if (!node.record.is_null() && node.record.contains("cost")) {
      report.recorded_flops[node.name] = node.record["cost"].value("flops", 0.0);
    }
  }
  CostEstimateOptions estimate_options;
  estimate_options.pipeline_dir = BaseDir(pipeline);
  report.nodes = EstimateNodeCosts(lineage, estimate_options);
  try {
    report.breakdown = GroupEstimates(lineage, report.nodes, Monolingual(pipeline));
  } catch (const InputError& e) {
    PrintError(e.what());
    return 2;
  }
  if (options.json) {
    std::printf("%s\n", EstimateJson(report).dump().c_str());
  } else {
    PrintEstimate(report);
  }
  return 0;
}

}  // namespace xstilts
