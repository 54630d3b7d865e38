#include "report/study_placement.h"

#include <stdexcept>

#include "base/input_error.h"

namespace xstilts {
namespace {

std::string TrainLabel(const LineageNode& train) {
  const nlohmann::json tasks = train.params.value("tasks", nlohmann::json::array());
  if (!tasks.is_array() || tasks.empty()) return train.name;
  std::string label;
  for (const auto& task : tasks) label += (label.empty() ? "" : "+") + task.get<std::string>();
  // Masked-LM training alongside the tasks (an `mlm` corpus) is another intermediate task.
  auto mlm = train.inputs.find("mlm");
  if (mlm != train.inputs.end() && !mlm->second.empty()) label += "+mlm";
  return label;
}

std::string SeedOf(const LineageNode& node) { return node.params.contains("seed") ? node.params["seed"].dump() : ""; }

// A chain step as StudyPlacement::chain holds it: what defines the node, apart from its seed.
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

}  // namespace

const LineageNode& LineageAt(const LineageMap& nodes, const std::string& name) {
  auto it = nodes.find(name);
  if (it == nodes.end()) throw std::runtime_error("node '" + name + "' is missing from the lineage");
  return *it->second;
}

std::set<std::string> UpstreamOf(const LineageMap& nodes, const std::string& name) {
  std::set<std::string> seen;
  std::vector<std::string> todo{name};
  while (!todo.empty()) {
    std::string current = todo.back();
    todo.pop_back();
    if (!seen.insert(current).second) continue;
    for (const auto& [port, producers] : LineageAt(nodes, current).inputs) {
      todo.insert(todo.end(), producers.begin(), producers.end());
    }
  }
  return seen;
}

StudyPlacement PlaceResult(const LineageMap& nodes, const LineageNode& result) {
  std::vector<const LineageNode*> trains;
  const LineageNode* current = &result;
  while (true) {
    auto model = current->inputs.find("model");
    if (model == current->inputs.end() || model->second.empty()) break;
    current = &LineageAt(nodes, model->second.front());
    if (current->type != "train") break;
    trains.push_back(current);
  }
  if (current == &result) {
    throw InputError("report: result '" + result.name + "' has no model input, so it has no place in the study");
  }
  StudyPlacement p;
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
    p.target_node = trains.front()->name;
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

std::set<std::string> IntermediateComputeNodes(const LineageMap& nodes, const StudyPlacement& place) {
  std::set<std::string> own;
  for (const std::string& train : place.intermediate_nodes) {
    const std::set<std::string> up = UpstreamOf(nodes, train);
    own.insert(up.begin(), up.end());
  }
  if (own.empty()) return own;
  for (const std::string& shared : UpstreamOf(nodes, place.root)) own.erase(shared);
  return own;
}

}  // namespace xstilts
