#include "graph/resolve.h"

#include <fnmatch.h>

#include <algorithm>
#include <map>
#include <set>

#include "base/byte_sizes.h"
#include "base/durations.h"
#include "graph/params.h"

namespace xstilts {
namespace {

struct Ref {
  std::string text;
  SourceLocation loc;
};

std::vector<Ref> RefsOf(const Value& value, const std::string& port, const std::string& node,
                        Diagnostics& diagnostics) {
  std::vector<Ref> refs;
  auto add = [&](const Value& v) {
    if (v.is_scalar() && !v.text().empty()) {
      refs.push_back(Ref{v.text(), v.loc()});
    } else {
      diagnostics.Error(v.loc(), "input '" + port + "' of node '" + node +
                                     "' must name a node (or node.port), got " + v.Describe());
    }
  };
  if (value.is_list()) {
    for (const Value& item : value.items()) add(item);
  } else {
    add(value);
  }
  return refs;
}

struct Draft {
  const NodeDecl* decl;
  ResolvedNode node;
  std::vector<std::pair<std::string, std::vector<std::pair<size_t, std::string>>>> inputs;  // by decl index
};

// Finds the producers a reference names: "node", "node.port", or a glob over node names with an
// optional ".port".
std::vector<std::pair<size_t, std::string>> Lookup(const Ref& ref, const std::map<std::string, size_t>& by_name,
                                                   const std::vector<Draft>& drafts,
                                                   const std::vector<std::string>& names,
                                                   Diagnostics& diagnostics) {
  std::vector<std::pair<size_t, std::string>> found;
  auto output_port = [&](size_t index, const std::string& port) -> bool {
    const NodeType* type = drafts[index].node.type;
    if (type == nullptr) return true;  // already reported
    if (port.empty()) {
      if (type->outputs.empty()) {
        diagnostics.Error(ref.loc, "node '" + drafts[index].node.name + "' (type '" + type->name + "') has no outputs");
        return false;
      }
      found.emplace_back(index, type->outputs[0].name);
      return true;
    }
    if (type->FindOutput(port) == nullptr) {
      std::vector<std::string> ports;
      for (const PortSpec& p : type->outputs) ports.push_back(p.name);
      std::string hint = DidYouMean(port, ports);
      if (hint.empty()) {
        hint = " (its outputs:";
        for (const std::string& p : ports) hint += " " + p;
        hint += ")";
      }
      diagnostics.Error(ref.loc, "node '" + drafts[index].node.name + "' (type '" + type->name +
                                     "') has no output port '" + port + "'" + hint);
      return false;
    }
    found.emplace_back(index, port);
    return true;
  };
  if (ref.text.find('*') != std::string::npos || ref.text.find('?') != std::string::npos) {
    // "eval_*.metrics": the glob is over node names, the port after the last dot.
    std::string pattern = ref.text, port;
    const size_t port_dot = ref.text.rfind('.');
    if (port_dot != std::string::npos && ref.text.find_first_of("*?[", port_dot) == std::string::npos) {
      pattern = ref.text.substr(0, port_dot);
      port = ref.text.substr(port_dot + 1);
    }
    for (size_t i = 0; i < drafts.size(); ++i) {
      if (fnmatch(pattern.c_str(), drafts[i].node.name.c_str(), 0) == 0) output_port(i, port);
    }
    if (found.empty()) diagnostics.Error(ref.loc, "'" + ref.text + "' matches no node");
    return found;
  }
  auto it = by_name.find(ref.text);
  if (it != by_name.end()) {
    output_port(it->second, "");
    return found;
  }
  size_t dot = ref.text.rfind('.');
  if (dot != std::string::npos) {
    auto node_it = by_name.find(ref.text.substr(0, dot));
    if (node_it != by_name.end()) {
      output_port(node_it->second, ref.text.substr(dot + 1));
      return found;
    }
  }
  std::string base = dot == std::string::npos ? ref.text : ref.text.substr(0, dot);
  diagnostics.Error(ref.loc, "no node named '" + base + "'" + DidYouMean(base, names));
  return found;
}

// Kahn's algorithm; on a cycle, reports one cycle's path.
std::optional<std::vector<size_t>> TopologicalOrder(const std::vector<Draft>& drafts,
                                                    Diagnostics& diagnostics) {
  size_t n = drafts.size();
  std::vector<std::vector<size_t>> users(n);
  std::vector<size_t> missing(n, 0);
  for (size_t i = 0; i < n; ++i) {
    for (size_t d : drafts[i].node.deps) {
      users[d].push_back(i);
      ++missing[i];
    }
  }
  std::set<size_t> ready;
  for (size_t i = 0; i < n; ++i) {
    if (missing[i] == 0) ready.insert(i);
  }
  std::vector<size_t> order;
  while (!ready.empty()) {
    size_t i = *ready.begin();
    ready.erase(ready.begin());
    order.push_back(i);
    for (size_t u : users[i]) {
      if (--missing[u] == 0) ready.insert(u);
    }
  }
  if (order.size() == n) return order;
  // Walk backwards along unfinished dependencies until a node repeats: that is a cycle.
  size_t start = 0;
  while (missing[start] == 0) ++start;
  std::vector<size_t> path;
  std::map<size_t, size_t> seen;
  size_t at = start;
  while (!seen.count(at)) {
    seen[at] = path.size();
    path.push_back(at);
    for (size_t d : drafts[at].node.deps) {
      if (missing[d] > 0) {
        at = d;
        break;
      }
    }
  }
  std::vector<size_t> cycle(path.begin() + static_cast<long>(seen[at]), path.end());
  std::reverse(cycle.begin(), cycle.end());  // producer -> consumer order
  std::string text;
  for (size_t i : cycle) text += drafts[i].node.name + " -> ";
  text += drafts[cycle[0]].node.name;
  diagnostics.Error(drafts[cycle[0]].node.loc, "the pipeline has a cycle: " + text);
  return std::nullopt;
}

void ResolveResources(const Value& value, ResolvedNode& node, Diagnostics& diagnostics) {
  if (!value.is_map()) return;
  for (const Value::Entry& e : value.entries()) {
    const std::string text = e.value.is_scalar() ? e.value.text() : "";
    if (e.key == "memory") {
      uint64_t bytes = 0;
      if (!ParseBytes(text, bytes)) {
        diagnostics.Error(e.value.loc(), "resource 'memory' expects a size such as 16G or 500M, got " + e.value.Describe());
      }
      node.resources.memory_bytes = static_cast<int64_t>(bytes);
      continue;
    }
    if (e.key == "time") {
      if (!ParseDuration(text, node.resources.time_seconds)) {
        diagnostics.Error(e.value.loc(), "resource 'time' expects a duration such as 12h, 2d or 1:30:00, got " +
                                             e.value.Describe());
      }
      continue;
    }
    int* field = e.key == "threads" ? &node.resources.threads : e.key == "gpus" ? &node.resources.gpus : nullptr;
    if (field == nullptr) {
      diagnostics.Error(e.key_loc, "unknown resource '" + e.key + "'" + DidYouMean(e.key, {"threads", "gpus", "memory", "time"}));
      continue;
    }
    nlohmann::json v = e.value.is_scalar() && !e.value.quoted() ? PlainScalarToJson(e.value.text()) : nullptr;
    if (!v.is_number_integer() || v.get<long long>() < 0) {
      diagnostics.Error(e.value.loc(), "resource '" + e.key + "' expects a non-negative integer, got " +
                                           e.value.Describe());
      continue;
    }
    *field = v.get<int>();
  }
}

}  // namespace

std::string ResolvedNode::Describe() const {
  return "node '" + name + "' (" + loc.ToString() + ")";
}

std::optional<size_t> ResolvedPipeline::Find(const std::string& name) const {
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (nodes[i].name == name) return i;
  }
  return std::nullopt;
}

std::vector<size_t> ResolvedPipeline::Descendants(const std::vector<size_t>& roots) const {
  std::vector<bool> mark(nodes.size(), false);
  for (size_t r : roots) mark[r] = true;
  for (size_t i = 0; i < nodes.size(); ++i) {  // topological order: one pass suffices
    for (size_t d : nodes[i].deps) mark[i] = mark[i] || mark[d];
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (mark[i]) out.push_back(i);
  }
  return out;
}

std::vector<size_t> ResolvedPipeline::Ancestors(const std::vector<size_t>& roots) const {
  std::vector<bool> mark(nodes.size(), false);
  for (size_t r : roots) mark[r] = true;
  for (size_t i = nodes.size(); i-- > 0;) {
    if (!mark[i]) continue;
    for (size_t d : nodes[i].deps) mark[d] = true;
  }
  std::vector<size_t> out;
  for (size_t i = 0; i < nodes.size(); ++i) {
    if (mark[i]) out.push_back(i);
  }
  return out;
}

namespace {

// The pipeline's nodes by name, for resolving references.
struct NodeNames {
  std::map<std::string, size_t> index;
  std::vector<std::string> names;
};

// Each declared node with its type, params and resources; inputs come later.
std::vector<Draft> DraftNodes(const PipelineSpec& spec, const NodeRegistry& registry, NodeNames& names,
                              Diagnostics& diagnostics) {
  std::vector<Draft> drafts;
  for (const NodeDecl& decl : spec.nodes) {
    Draft draft{&decl, ResolvedNode{}, {}};
    draft.node.name = decl.name;
    draft.node.loc = decl.loc;
    draft.node.type = registry.Find(decl.type);
    if (draft.node.type == nullptr) {
      diagnostics.Error(decl.type_loc, "unknown node type '" + decl.type + "'" +
                                           DidYouMean(decl.type, registry.Names()) +
                                           " (`xstilts nodes` lists them)");
    } else {
      draft.node.resources = draft.node.type->resources;
      if (auto params = ConvertParams(*draft.node.type, decl.params, decl.name, decl.loc, diagnostics)) {
        draft.node.params = *params;
      }
      ResolveResources(decl.resources, draft.node, diagnostics);
    }
    names.index[decl.name] = drafts.size();
    names.names.push_back(decl.name);
    drafts.push_back(std::move(draft));
  }
  return drafts;
}

// The output of `producer_type` that a reference feeds into `port`. A reference without a port
// takes the first output, unless only another output has the kind this input wants (`eval_*`
// into a report's metrics input). Returns nullptr and reports when the kinds do not match.
const PortSpec* ChooseOutput(const Ref& ref, const PortSpec& port, const NodeType& producer_type,
                             std::string& out_port) {
  const PortSpec* produced = producer_type.FindOutput(out_port);
  const bool port_named = ref.text.size() > out_port.size() &&
                          ref.text.compare(ref.text.size() - out_port.size() - 1, std::string::npos,
                                           "." + out_port) == 0;
  if (port.kind == "any" || produced->kind == port.kind || port_named) return produced;
  const PortSpec* fitting = nullptr;
  int fits = 0;
  for (const PortSpec& o : producer_type.outputs) {
    if (o.kind == port.kind) {
      fitting = &o;
      ++fits;
    }
  }
  if (fits != 1) return produced;
  out_port = fitting->name;
  return fitting;
}

// One `inputs:` entry of draft i: the producers its references name, checked for kind and count.
ResolvedInput ResolveInput(size_t i, const Value::Entry& e, const PortSpec& port, const std::vector<Draft>& drafts,
                           const NodeNames& names, Diagnostics& diagnostics) {
  const ResolvedNode& node = drafts[i].node;
  ResolvedInput input{e.key, {}};
  for (const Ref& ref : RefsOf(e.value, e.key, node.name, diagnostics)) {
    for (auto [producer, out_port] : Lookup(ref, names.index, drafts, names.names, diagnostics)) {
      const PortSpec* produced = ChooseOutput(ref, port, *drafts[producer].node.type, out_port);
      if (port.kind != "any" && produced->kind != port.kind) {
        diagnostics.Error(ref.loc, "input '" + e.key + "' of node '" + node.name + "' expects a '" + port.kind +
                                       "' artifact, but '" + drafts[producer].node.name + "' produces '" +
                                       produced->kind + "'");
        continue;
      }
      if (producer == i) {
        diagnostics.Error(ref.loc, "node '" + node.name + "' cannot use its own output");
        continue;
      }
      input.refs.push_back(InputRef{producer, out_port});
    }
  }
  if (!port.many && input.refs.size() > 1) {
    diagnostics.Error(e.value.loc(), "input '" + e.key + "' of node '" + node.name + "' takes one artifact, got " +
                                         std::to_string(input.refs.size()));
  }
  return input;
}

// Resolves draft i's inputs, checks that the required ones are connected, and sets its deps.
void ConnectInputs(size_t i, std::vector<Draft>& drafts, const NodeNames& names, Diagnostics& diagnostics) {
  Draft& draft = drafts[i];
  const NodeType* type = draft.node.type;
  std::set<std::string> connected;
  std::vector<std::string> port_names;
  for (const PortSpec& p : type->inputs) port_names.push_back(p.name);
  if (draft.decl->inputs.is_map()) {
    for (const Value::Entry& e : draft.decl->inputs.entries()) {
      const PortSpec* port = type->FindInput(e.key);
      if (port == nullptr) {
        diagnostics.Error(e.key_loc, "node type '" + type->name + "' has no input port '" + e.key + "'" +
                                         DidYouMean(e.key, port_names));
        continue;
      }
      connected.insert(e.key);
      ResolvedInput input = ResolveInput(i, e, *port, drafts, names, diagnostics);
      draft.node.inputs.push_back(std::move(input));
    }
  }
  for (const PortSpec& p : type->inputs) {
    if (!p.optional && !connected.count(p.name)) {
      diagnostics.Error(draft.node.loc, "node '" + draft.node.name + "' (type '" + type->name +
                                            "') needs input '" + p.name + "' (a '" + p.kind + "' artifact)");
    }
  }
  if (type->check_inputs && draft.node.params.is_object()) {
    for (const ParamProblem& problem : type->check_inputs(draft.node.params, connected)) {
      const Value* given = draft.decl->params.is_map() ? draft.decl->params.Find(problem.param) : nullptr;
      diagnostics.Error(given != nullptr ? given->loc() : draft.node.loc, "node '" + draft.node.name + "': " + problem.message);
    }
  }
  std::set<size_t> deps;
  for (const ResolvedInput& in : draft.node.inputs) {
    for (const InputRef& r : in.refs) deps.insert(r.node);
  }
  draft.node.deps.assign(deps.begin(), deps.end());
  // Keep inputs in the type's port order so the cache key does not depend on the file's order.
  auto rank = [&](const ResolvedInput& in) {
    for (size_t k = 0; k < type->inputs.size(); ++k) {
      if (type->inputs[k].name == in.port) return std::make_pair(k, std::string());
    }
    return std::make_pair(type->inputs.size(), in.port);  // open ports after declared ones, by name
  };
  std::sort(draft.node.inputs.begin(), draft.node.inputs.end(),
            [&](const ResolvedInput& a, const ResolvedInput& b) { return rank(a) < rank(b); });
}

}  // namespace

std::optional<ResolvedPipeline> Resolve(const PipelineSpec& spec, const NodeRegistry& registry,
                                        Diagnostics& diagnostics) {
  size_t errors_before = diagnostics.size();
  NodeNames names;
  std::vector<Draft> drafts = DraftNodes(spec, registry, names, diagnostics);
  for (size_t i = 0; i < drafts.size(); ++i) {
    if (drafts[i].node.type != nullptr) ConnectInputs(i, drafts, names, diagnostics);
  }
  if (diagnostics.size() != errors_before) return std::nullopt;

  std::optional<std::vector<size_t>> order = TopologicalOrder(drafts, diagnostics);
  if (!order) return std::nullopt;
  std::vector<size_t> position(drafts.size());
  for (size_t k = 0; k < order->size(); ++k) position[(*order)[k]] = k;
  ResolvedPipeline pipeline;
  pipeline.file = spec.file;
  for (size_t k : *order) {
    ResolvedNode node = std::move(drafts[k].node);
    for (ResolvedInput& in : node.inputs) {
      for (InputRef& r : in.refs) r.node = position[r.node];
    }
    for (size_t& d : node.deps) d = position[d];
    std::sort(node.deps.begin(), node.deps.end());
    pipeline.nodes.push_back(std::move(node));
  }
  return pipeline;
}

}  // namespace xstilts
