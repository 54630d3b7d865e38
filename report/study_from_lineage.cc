#include "report/study_from_lineage.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/input_error.h"
#include "data/metrics_table.h"
#include "report/study_placement.h"
#include "report/study_replicates.h"

namespace xstilts {
namespace {

Compute RecordedCompute(const LineageNode& node) {
  Compute c;
  if (node.record.is_null()) return c;
  const nlohmann::json cost = node.record.value("cost", nlohmann::json::object());
  c.flops = cost.value("flops", 0.0);
  c.tokens = cost.value("tokens", 0.0);
  c.wall_seconds = node.record.value("seconds", 0.0);
  c.cpu_seconds = node.record.value("cpu_seconds", 0.0);
  const std::string device = cost.value("device", "cpu");
  if (device.rfind("cuda", 0) == 0) c.gpu_seconds = c.wall_seconds * std::max(1, node.record.value("gpus", 1));
  c.nodes = 1;
  return c;
}

template <typename T>
void AddOnce(std::vector<T>& list, const T& value) {
  if (std::find(list.begin(), list.end(), value) == list.end()) list.push_back(value);
}

}  // namespace

Study BuildStudy(const StudyInput& input, const StudyOptions& options) {
  LineageMap nodes;
  for (const LineageNode& n : input.lineage) nodes[n.name] = &n;
  Study study;
  study.title = options.title;
  std::set<std::string> behind_results;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> intermediate_nodes;
  std::map<std::pair<std::string, std::string>, std::set<std::vector<std::string>>> intermediate_chains;
  std::vector<PlacedResult> placed_results;
  for (const std::string& name : input.results) {
    const LineageNode& result = LineageAt(nodes, name);
    const StudyPlacement place = PlaceResult(nodes, result);
    MetricsTable metrics;
    try {
      metrics = ReadMetricsArtifact(result.entry_dir / "metrics.h5");
    } catch (const std::exception& e) {
      throw InputError("report: cannot read the metrics of '" + name + "': " + e.what());
    }
    if (metrics.metric_names.empty()) continue;
    AddOnce(study.models, place.model);
    if (!place.intermediate.empty()) AddOnce(study.intermediates, place.intermediate);
    AddOnce(study.targets, metrics.task);
    if (std::isfinite(metrics.chance)) study.chance.emplace(metrics.task, metrics.chance);
    PlacedResult& placed = placed_results.emplace_back();
    placed.name = name;
    placed.cell = StudyCell{place.model, place.intermediate, metrics.task};
    placed.place = place;
    placed.metric = metrics.metric_names.front();
    for (size_t r = 0; r < metrics.languages.size(); ++r) {
      AddOnce(study.languages, metrics.languages[r]);
      placed.by_language[metrics.languages[r]] = metrics.rows[r].front();
    }
    if (!place.intermediate_nodes.empty()) {
      const std::set<std::string> own = IntermediateComputeNodes(nodes, place);
      intermediate_nodes[{place.model, place.intermediate}].insert(own.begin(), own.end());
      intermediate_chains[{place.model, place.intermediate}].insert(place.intermediate_nodes);
    }
    const std::set<std::string> up = UpstreamOf(nodes, name);
    behind_results.insert(up.begin(), up.end());
  }
  FillScores(placed_results, study);
  for (const std::string& name : options.monolingual) {
    if (std::find(study.models.begin(), study.models.end(), name) == study.models.end()) {
      std::string known;
      for (const std::string& m : study.models) known += (known.empty() ? "" : ", ") + m;
      throw InputError("report: 'monolingual' names '" + name + "', which is not a model of the study (models: " +
                       known + ")");
    }
  }
  for (const std::string& model : study.models) {
    const bool mono = std::find(options.monolingual.begin(), options.monolingual.end(), model) != options.monolingual.end();
    study.groups[model] = mono ? ModelGroup::kMonolingual : ModelGroup::kMultilingual;
  }
  auto compute_of = [&](const LineageNode& node) {
    Compute c = RecordedCompute(node);
    auto projected = input.projected_flops.find(node.name);
    if (projected != input.projected_flops.end()) c.projected_flops = projected->second;
    return c;
  };
  for (const auto& [pair, names] : intermediate_nodes) {
    Compute& compute = study.intermediate_compute[pair];
    for (const std::string& n : names) compute.Add(compute_of(LineageAt(nodes, n)));
    compute.Scale(1.0 / static_cast<double>(intermediate_chains[pair].size()));  // one replicate's
  }
  for (const std::string& n : behind_results) {
    const LineageNode& node = LineageAt(nodes, n);
    const Compute c = compute_of(node);
    study.total.Add(c);
    if (node.reused) study.reused.Add(c);
  }
  return study;
}

}  // namespace xstilts
