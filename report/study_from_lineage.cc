#include "report/study_from_lineage.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

#include "base/input_error.h"
#include "data/metrics_table.h"
#include "report/study_replicates.h"

namespace xstilts {
namespace {

using NodeMap = std::map<std::string, const LineageNode*>;

const LineageNode& Get(const NodeMap& nodes, const std::string& name) {
  auto it = nodes.find(name);
  if (it == nodes.end()) throw std::runtime_error("node '" + name + "' is missing from the lineage");
  return *it->second;
}

// `name` and every node upstream of it.
std::set<std::string> Upstream(const NodeMap& nodes, const std::string& name) {
  std::set<std::string> seen;
  std::vector<std::string> todo{name};
  while (!todo.empty()) {
    std::string current = todo.back();
    todo.pop_back();
    if (!seen.insert(current).second) continue;
    for (const auto& [port, producers] : Get(nodes, current).inputs) {
      todo.insert(todo.end(), producers.begin(), producers.end());
    }
  }
  return seen;
}

std::string TrainLabel(const LineageNode& train) {
  const nlohmann::json tasks = train.params.value("tasks", nlohmann::json::array());
  if (!tasks.is_array() || tasks.empty()) return train.name;
  std::string label;
  for (const auto& task : tasks) label += (label.empty() ? "" : "+") + task.get<std::string>();
  return label;
}

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

std::string SeedOf(const LineageNode& node) { return node.params.contains("seed") ? node.params["seed"].dump() : ""; }

// A chain step as PlacedResult::chain holds it: what defines the node, apart from its seed.
std::pair<std::string, nlohmann::json> ChainStep(const LineageNode& node) {
  nlohmann::json params = node.params.is_object() ? node.params : nlohmann::json::object();
  params.erase("seed");
  nlohmann::json inputs = nlohmann::json::object();
  if (node.type == "train") {
    for (const auto& [port, producers] : node.inputs) {
      if (port != "model") inputs[port] = producers;
    }
  }
  return {node.name, {{"type", node.type}, {"params", params}, {"inputs", inputs}}};
}

// Where one result sits in the grid, and the nodes of its intermediate training.
struct Placement {
  std::string model;
  std::string intermediate;
  std::vector<std::string> intermediate_nodes;  // first trained first
  std::string root;
  std::string seed;   // of the target training (evaluate); "" for retrieve
  std::string label;  // the train nodes' seeds, first trained first, a repeated one once
  std::vector<std::pair<std::string, nlohmann::json>> chain;  // the result, then its train nodes outward
};

Placement Place(const NodeMap& nodes, const LineageNode& result) {
  std::vector<const LineageNode*> trains;
  const LineageNode* current = &result;
  while (true) {
    auto model = current->inputs.find("model");
    if (model == current->inputs.end() || model->second.empty()) break;
    current = &Get(nodes, model->second.front());
    if (current->type != "train") break;
    trains.push_back(current);
  }
  if (current == &result) {
    throw InputError("report: result '" + result.name + "' has no model input, so it has no place in the study");
  }
  Placement p;
  p.chain.push_back(ChainStep(result));
  for (const LineageNode* train : trains) p.chain.push_back(ChainStep(*train));
  // A seeds axis gives every training of a chain the same seed: "1", whether the chain has one
  // training (retrieval from an intermediate checkpoint) or two (its target training after it).
  std::vector<std::string> seeds;
  for (auto it = trains.rbegin(); it != trains.rend(); ++it) {
    if (seeds.empty() || seeds.back() != SeedOf(**it)) seeds.push_back(SeedOf(**it));
  }
  for (const std::string& seed : seeds) p.label += (p.label.empty() ? "" : "/") + seed;
  // The chain from the result outward: the first train node trained the target task (evaluate).
  if (result.type == "evaluate" && !trains.empty()) {
    p.seed = SeedOf(*trains.front());
    trains.erase(trains.begin());
  }
  p.model = current->name;
  p.root = current->name;
  for (auto it = trains.rbegin(); it != trains.rend(); ++it) {
    p.intermediate += (p.intermediate.empty() ? "" : " > ") + TrainLabel(**it);
    p.intermediate_nodes.push_back((*it)->name);
  }
  return p;
}

}  // namespace

Study BuildStudy(const StudyInput& input, const StudyOptions& options) {
  NodeMap nodes;
  for (const LineageNode& n : input.lineage) nodes[n.name] = &n;
  Study study;
  study.title = options.title;
  std::set<std::string> behind_results;
  std::map<std::pair<std::string, std::string>, std::set<std::string>> intermediate_nodes;
  std::map<std::pair<std::string, std::string>, std::set<std::vector<std::string>>> intermediate_chains;
  std::vector<PlacedResult> placed_results;
  for (const std::string& name : input.results) {
    const LineageNode& result = Get(nodes, name);
    const Placement place = Place(nodes, result);
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
    placed.seed = place.seed;
    placed.label = place.label;
    placed.chain = place.chain;
    placed.metric = metrics.metric_names.front();
    for (size_t r = 0; r < metrics.languages.size(); ++r) {
      AddOnce(study.languages, metrics.languages[r]);
      placed.by_language[metrics.languages[r]] = metrics.rows[r].front();
    }
    if (!place.intermediate_nodes.empty()) {
      std::set<std::string> own;
      for (const std::string& train : place.intermediate_nodes) {
        const std::set<std::string> up = Upstream(nodes, train);
        own.insert(up.begin(), up.end());
      }
      for (const std::string& shared : Upstream(nodes, place.root)) own.erase(shared);
      intermediate_nodes[{place.model, place.intermediate}].insert(own.begin(), own.end());
      intermediate_chains[{place.model, place.intermediate}].insert(place.intermediate_nodes);
    }
    const std::set<std::string> up = Upstream(nodes, name);
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
  for (const auto& [pair, names] : intermediate_nodes) {
    Compute& compute = study.intermediate_compute[pair];
    for (const std::string& n : names) compute.Add(RecordedCompute(Get(nodes, n)));
    compute.Scale(1.0 / static_cast<double>(intermediate_chains[pair].size()));  // one replicate's
  }
  for (const std::string& n : behind_results) {
    const LineageNode& node = Get(nodes, n);
    const Compute c = RecordedCompute(node);
    study.total.Add(c);
    if (node.reused) study.reused.Add(c);
  }
  return study;
}

}  // namespace xstilts
