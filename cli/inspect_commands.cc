// status, explain and graph: look at a pipeline and its cache without running anything.
#include <cstdio>

#include "base/messages.h"
#include "cli/commands.h"
#include "engine/run_observer.h"
#include "graph/cache_key.h"

namespace xstilts {
namespace {

std::string Quote(const std::string& s) { return nlohmann::json(s).dump(); }

std::vector<std::string> SameKeyNames(const ResolvedPipeline& pipeline, const NodePlan& plan) {
  std::vector<std::string> names;
  for (size_t twin : plan.same_key) names.push_back(pipeline.nodes[twin].name);
  return names;
}

}  // namespace

int StatusCommand(const PipelineOptions& options, bool json) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return exit_code;
  const ResolvedPipeline& pipeline = session->pipeline;
  if (json) {
    nlohmann::json nodes = nlohmann::json::array();
    for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
      nodes.push_back({{"name", pipeline.nodes[i].name},
                       {"status", plan->nodes[i].state == NodeState::kCached ? "cached" : "stale"},
                       {"key", plan->nodes[i].key},
                       {"stale_kind", StaleKindName(plan->nodes[i].stale_kind)},
                       {"reasons", plan->nodes[i].reasons},
                       {"same_key", SameKeyNames(pipeline, plan->nodes[i])}});
    }
    std::printf("%s\n", nlohmann::json{{"nodes", nodes}}.dump().c_str());
    return 0;
  }
  size_t stale = plan->CountState(NodeState::kStale);
  std::printf("%zu nodes: %zu cached, %zu stale\n", pipeline.nodes.size(), pipeline.nodes.size() - stale, stale);
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const NodePlan& p = plan->nodes[i];
    std::string reasons;
    for (const std::string& r : p.reasons) reasons += (reasons.empty() ? "" : "; ") + r;
    std::string twins;
    for (const std::string& twin : SameKeyNames(pipeline, p)) twins += (twins.empty() ? "" : ", ") + twin;
    if (!twins.empty()) twins = " (same key as " + twins + ": built once)";
    const bool cached = p.state == NodeState::kCached;
    std::printf("  %s %s%s%s%s\n", Paint(cached ? "cached " : "stale  ", cached ? Tone::kDim : Tone::kWarn, stdout).c_str(),
                pipeline.nodes[i].name.c_str(), twins.c_str(), reasons.empty() ? "" : ": ", reasons.c_str());
  }
  return 0;
}

int ExplainCommand(const PipelineOptions& options, const std::string& name) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return exit_code;
  const ResolvedPipeline& pipeline = session->pipeline;
  std::optional<size_t> index = pipeline.Find(name);
  if (!index) {
    std::vector<std::string> names;
    for (const ResolvedNode& n : pipeline.nodes) names.push_back(n.name);
    PrintError("no node named '" + name + "'" + DidYouMean(name, names));
    return 2;
  }
  const NodePlan& p = plan->nodes[*index];
  std::printf("%s\n  key     %s\n", pipeline.nodes[*index].Describe().c_str(), p.key.c_str());
  std::optional<CacheEntry> entry = session->store->Lookup(p.key);
  if (entry) {
    const nlohmann::json& m = entry->meta;
    std::printf("  status  cached: built %s on %s in %s\n", m.value("started_at", "?").c_str(),
                m.value("producer", nlohmann::json::object()).value("host", "?").c_str(),
                FormatDuration(m.value("seconds", 0.0)).c_str());
    return 0;
  }
  std::printf("  status  stale\n");
  std::optional<std::string> last = session->index->LastKey(name);
  std::optional<nlohmann::json> before = last ? session->index->Components(*last) : std::nullopt;
  if (!last) {
    std::printf("  never built from this pipeline file\n");
  } else if (!before) {
    std::printf("  last built with key %s, whose entry is gone\n", last->c_str());
  } else {
    std::printf("  changed since it was last built (key %s):\n", last->substr(0, 12).c_str());
    std::vector<std::string> changes = DescribeKeyChange(*before, p.components, pipeline, *index);
    if (*last == p.key) changes = {"nothing in the key; the cache entry itself is missing"};
    for (const std::string& change : changes) std::printf("    %s\n", change.c_str());
  }
  return 0;
}

int GraphCommand(const PipelineOptions& options, const std::string& format) {
  int exit_code = 0;
  std::optional<ResolvedPipeline> pipeline = LoadResolved(options, exit_code);
  if (!pipeline) return exit_code;
  const auto& nodes = pipeline->nodes;
  if (format == "json") {
    nlohmann::json out = {{"nodes", nlohmann::json::array()}, {"edges", nlohmann::json::array()}};
    for (const ResolvedNode& n : nodes) {
      out["nodes"].push_back({{"name", n.name}, {"type", n.type->name}, {"params", n.params}, {"location", n.loc.ToString()}});
      for (const ResolvedInput& in : n.inputs) {
        for (const InputRef& r : in.refs) {
          out["edges"].push_back({{"from", nodes[r.node].name}, {"from_port", r.port}, {"to", n.name}, {"to_port", in.port}});
        }
      }
    }
    std::printf("%s\n", out.dump(2).c_str());
  } else if (format == "dot") {
    std::printf("digraph pipeline {\n  rankdir=LR;\n  node [shape=box, style=rounded];\n");
    for (const ResolvedNode& n : nodes) {
      std::printf("  %s [label=%s];\n", Quote(n.name).c_str(), Quote(n.name + "\n(" + n.type->name + ")").c_str());
    }
    for (const ResolvedNode& n : nodes) {
      for (const ResolvedInput& in : n.inputs) {
        for (const InputRef& r : in.refs) {
          std::printf("  %s -> %s [label=%s];\n", Quote(nodes[r.node].name).c_str(), Quote(n.name).c_str(),
                      Quote(in.port).c_str());
        }
      }
    }
    std::printf("}\n");
  } else if (format == "mermaid") {
    std::printf("flowchart LR\n");
    for (size_t i = 0; i < nodes.size(); ++i) {
      std::printf("  n%zu[\"%s<br/>(%s)\"]\n", i, nodes[i].name.c_str(), nodes[i].type->name.c_str());
    }
    for (size_t i = 0; i < nodes.size(); ++i) {
      for (const ResolvedInput& in : nodes[i].inputs) {
        for (const InputRef& r : in.refs) std::printf("  n%zu -->|%s| n%zu\n", r.node, in.port.c_str(), i);
      }
    }
  } else {
    PrintError("unknown graph format '" + format + "' (dot, mermaid or json)");
    return 2;
  }
  return 0;
}

}  // namespace xstilts
