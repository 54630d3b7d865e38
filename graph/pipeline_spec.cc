#include "graph/pipeline_spec.h"

#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "graph/yaml_loader.h"

namespace xstilts {
namespace {

const std::vector<std::string> kTopLevelKeys = {"base", "vars", "nodes"};
const std::vector<std::string> kNodeKeys = {"type", "inputs", "params", "foreach", "resources"};
const char kCommandLine[] = "<command line>";

using Bindings = std::map<std::string, Value>;

std::vector<std::string> BindingNames(const Bindings& bindings) {
  std::vector<std::string> names;
  for (const auto& [name, value] : bindings) names.push_back(name);
  return names;
}

// Replaces ${name} in one scalar. A scalar that is exactly "${name}" takes the bound value whole
// (so a list variable can fill a list parameter); otherwise the bound value must be a scalar.
void SubstituteScalar(Value& value, const Bindings& bindings, Diagnostics& diagnostics) {
  const std::string& text = value.text();
  if (text.find('$') == std::string::npos) return;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 3, "$${") == 0) {  // escaped: a literal "${"
      out += "${";
      i += 3;
      continue;
    }
    if (text.compare(i, 2, "${") != 0) {
      out += text[i++];
      continue;
    }
    SourceLocation at = value.loc();
    at.column += static_cast<int>(i) + (value.quoted() ? 1 : 0);
    size_t close = text.find('}', i + 2);
    if (close == std::string::npos) {
      diagnostics.Error(at, "unterminated '${' (write '$${' for a literal '${')");
      return;
    }
    std::string name = text.substr(i + 2, close - i - 2);
    auto it = bindings.find(name);
    if (it == bindings.end()) {
      diagnostics.Error(at, "unknown variable '" + name + "'" + DidYouMean(name, BindingNames(bindings)));
      return;
    }
    if (i == 0 && close + 1 == text.size()) {  // the whole scalar
      SourceLocation use = value.loc();
      value = it->second;
      if (value.is_scalar()) value = Value::Scalar(value.text(), value.quoted(), use);
      return;
    }
    if (!it->second.is_scalar()) {
      diagnostics.Error(at, "variable '" + name + "' is " + it->second.Describe() +
                                " and cannot be part of a string");
      return;
    }
    out += it->second.text();
    i = close + 1;
  }
  value.set_text(out);
}

void Substitute(Value& value, const Bindings& bindings, Diagnostics& diagnostics) {
  switch (value.kind()) {
    case Value::Kind::kScalar: SubstituteScalar(value, bindings, diagnostics); break;
    case Value::Kind::kList:
      for (Value& item : value.items()) Substitute(item, bindings, diagnostics);
      break;
    case Value::Kind::kMap:
      for (Value::Entry& e : value.entries()) Substitute(e.value, bindings, diagnostics);
      break;
    case Value::Kind::kNull: break;
  }
}

void CheckKeys(const Value& map, const std::vector<std::string>& allowed, const std::string& what,
               Diagnostics& diagnostics) {
  for (const Value::Entry& e : map.entries()) {
    bool known = false;
    for (const std::string& a : allowed) known = known || a == e.key;
    if (!known) diagnostics.Error(e.key_loc, "unknown key '" + e.key + "' in " + what + DidYouMean(e.key, allowed));
  }
}

// vars, with --set vars.X overrides applied and earlier vars substituted into later ones.
Bindings ResolveVars(const Value* vars, std::map<std::string, Value>& var_overrides,
                     Diagnostics& diagnostics) {
  Bindings bindings;
  if (vars == nullptr || vars->is_null()) {
    for (auto& [name, value] : var_overrides) {
      diagnostics.Error(value.loc(), "unknown variable '" + name + "': the pipeline declares no vars");
    }
    return bindings;
  }
  if (!vars->is_map()) {
    diagnostics.Error(vars->loc(), "'vars' must be a map of names to values, got " + vars->Describe());
    return bindings;
  }
  for (const Value::Entry& e : vars->entries()) {
    auto over = var_overrides.find(e.key);
    Value value = over != var_overrides.end() ? over->second : e.value;
    Substitute(value, bindings, diagnostics);
    bindings[e.key] = value;
  }
  // A misspelt --set vars.X would otherwise run with the old value and exit 0.
  for (auto& [name, value] : var_overrides) {
    if (!bindings.count(name)) {
      diagnostics.Error(value.loc(), "unknown variable '" + name + "'" + DidYouMean(name, BindingNames(bindings)) +
                                         " (--set vars.NAME sets one of the pipeline's vars)");
    }
  }
  return bindings;
}

// Every combination of the foreach lists, in declaration order (the last varies fastest).
std::vector<Bindings> ForeachCombinations(const Value& foreach, const Bindings& vars,
                                          Diagnostics& diagnostics) {
  std::vector<Bindings> combos = {Bindings()};
  if (!foreach.is_map()) {
    diagnostics.Error(foreach.loc(), "'foreach' must map variable names to lists, got " + foreach.Describe());
    return {};
  }
  for (const Value::Entry& e : foreach.entries()) {
    Value values = e.value;
    Substitute(values, vars, diagnostics);
    if (values.is_scalar()) {
      Value list = Value::List(values.loc());
      list.items().push_back(values);
      values = list;
    }
    if (!values.is_list()) {
      diagnostics.Error(e.value.loc(), "foreach variable '" + e.key + "' needs a list of values, got " + values.Describe());
      return {};
    }
    if (values.items().empty()) {
      diagnostics.Error(e.value.loc(), "foreach variable '" + e.key + "' has no values");
      return {};
    }
    if (vars.count(e.key)) {
      diagnostics.Error(e.key_loc, "foreach variable '" + e.key + "' hides the var of the same name");
      return {};
    }
    if (combos.size() * values.items().size() > kMaxForeachNodes) {
      diagnostics.Error(foreach.loc(), "foreach makes more than " + std::to_string(kMaxForeachNodes) +
                                           " nodes from one declaration; split the grid or shorten its lists");
      return {};
    }
    std::vector<Bindings> next;
    for (const Bindings& combo : combos) {
      for (const Value& v : values.items()) {
        Bindings b = combo;
        b[e.key] = v;
        next.push_back(std::move(b));
      }
    }
    combos = std::move(next);
  }
  return combos;
}

struct NodeOverride {
  std::string node;
  std::vector<std::string> path;  // e.g. {"params", "lr"}
  Value value;
};

void ApplyNodeOverride(PipelineSpec& spec, const NodeOverride& o, Diagnostics& diagnostics) {
  SourceLocation loc = o.value.loc();
  NodeDecl* decl = nullptr;
  std::vector<std::string> names;
  for (NodeDecl& n : spec.nodes) {
    names.push_back(n.name);
    if (n.name == o.node) decl = &n;
  }
  if (decl == nullptr) {
    diagnostics.Error(loc, "unknown node '" + o.node + "'" + DidYouMean(o.node, names));
    return;
  }
  if (o.path.size() < 2 || (o.path[0] != "params" && o.path[0] != "resources")) {
    diagnostics.Error(loc, "expected NODE.params.KEY=VALUE, NODE.resources.KEY=VALUE or vars.NAME=VALUE");
    return;
  }
  Value* section = o.path[0] == "params" ? &decl->params : &decl->resources;
  if (section->is_null()) *section = Value::Map(loc);
  Value* target = section;
  for (size_t i = 1; i + 1 < o.path.size(); ++i) {
    Value* child = target->Find(o.path[i]);
    if (child == nullptr || !child->is_map()) {
      target->Set(o.path[i], Value::Map(loc), loc);
      child = target->Find(o.path[i]);
    }
    target = child;
  }
  target->Set(o.path.back(), o.value, loc);
}

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> parts;
  size_t start = 0;
  while (true) {
    size_t pos = s.find(sep, start);
    parts.push_back(s.substr(start, pos - start));
    if (pos == std::string::npos) return parts;
    start = pos + 1;
  }
}

void ParseNodes(const Value& nodes, const Bindings& vars, PipelineSpec& spec,
                Diagnostics& diagnostics) {
  std::map<std::string, SourceLocation> defined;
  for (const Value::Entry& entry : nodes.entries()) {
    const Value& body = entry.value;
    if (!body.is_map()) {
      diagnostics.Error(entry.key_loc, "node '" + entry.key + "' must be a map with 'type', 'inputs', 'params', got " +
                                           body.Describe());
      continue;
    }
    CheckKeys(body, kNodeKeys, "node '" + entry.key + "'", diagnostics);
    const Value* type = body.Find("type");
    if (type == nullptr) {
      diagnostics.Error(entry.key_loc, "node '" + entry.key + "' has no 'type'");
      continue;
    }
    std::vector<Bindings> combos = {Bindings()};
    if (const Value* foreach = body.Find("foreach")) combos = ForeachCombinations(*foreach, vars, diagnostics);
    for (const Bindings& combo : combos) {
      Bindings bindings = vars;
      for (const auto& [k, v] : combo) bindings[k] = v;
      Value name = Value::Scalar(entry.key, false, entry.key_loc);
      SubstituteScalar(name, bindings, diagnostics);
      if (!name.is_scalar()) {
        diagnostics.Error(entry.key_loc, "a node name must expand to a name, got " + name.Describe());
        continue;
      }
      if (std::string problem = NodeNameProblem(name.text()); !problem.empty()) {
        diagnostics.Error(entry.key_loc, "node name '" + name.text() + "' " + problem);
        continue;
      }
      NodeDecl decl;
      decl.name = name.text();
      decl.loc = entry.key_loc;
      decl.template_name = entry.key;
      Value type_value = *type;
      Substitute(type_value, bindings, diagnostics);
      decl.type = type_value.is_scalar() ? type_value.text() : "";
      decl.type_loc = type->loc();
      for (auto [field, key] : {std::pair{&decl.inputs, "inputs"}, std::pair{&decl.params, "params"},
                                std::pair{&decl.resources, "resources"}}) {
        if (const Value* v = body.Find(key)) {
          *field = *v;
          Substitute(*field, bindings, diagnostics);
          if (!field->is_map() && !field->is_null()) {
            diagnostics.Error(v->loc(), std::string("'") + key + "' of node '" + decl.name +
                                            "' must be a map, got " + field->Describe());
            *field = Value();
          }
        }
      }
      auto [it, inserted] = defined.emplace(decl.name, decl.loc);
      if (!inserted) {
        if (combos.size() > 1 && it->second.line == decl.loc.line) {
          diagnostics.Error(entry.key_loc, "foreach gives several nodes the name '" + decl.name +
                                               "'; put every foreach variable in the name, e.g. '" + entry.key +
                                               "_${" + combo.begin()->first + "}'");
          break;
        }
        diagnostics.Error(entry.key_loc, "node '" + decl.name + "' is defined twice; first at " + it->second.ToString());
        continue;
      }
      spec.nodes.push_back(std::move(decl));
    }
  }
}

// The text of a file, or nullopt when it cannot be read.
std::optional<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `base: other.yaml`: the pipeline file this one is a variant of, in the same folder (so that
// relative paths mean the same in both). Returns its root map, or nullopt after an error.
std::optional<Value> LoadBase(const Value& base, const std::string& file, Diagnostics& diagnostics) {
  namespace fs = std::filesystem;
  if (!base.is_scalar() || base.text().empty() || base.text().find_first_of("/\\") != std::string::npos ||
      base.text() == "." || base.text() == "..") {
    diagnostics.Error(base.loc(), "'base' names a pipeline file in the same folder as this one, e.g. 'xstilts.yaml', "
                                  "got " + base.Describe());
    return std::nullopt;
  }
  if (base.text() == fs::path(file).filename().string()) {
    diagnostics.Error(base.loc(), "'base' names this file itself");
    return std::nullopt;
  }
  const std::string path = (fs::path(file).parent_path() / base.text()).string();
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    diagnostics.Error(base.loc(), "cannot read the base pipeline file " + path + " (does it exist?)");
    return std::nullopt;
  }
  std::optional<Value> root = ParseYaml(*text, path, diagnostics);
  if (!root) return std::nullopt;
  if (!root->is_map()) {
    diagnostics.Error(root->is_null() ? SourceLocation{path, 0, 0} : root->loc(),
                      "a pipeline file must be a map with 'nodes' (and optionally 'vars')");
    return std::nullopt;
  }
  CheckKeys(*root, kTopLevelKeys, "the pipeline file", diagnostics);
  if (const Value* own = root->Find("base")) {
    diagnostics.Error(own->loc(), "a base pipeline cannot have a 'base' of its own (" + file + " names this one)");
    return std::nullopt;
  }
  return root;
}

// A section (vars, nodes) of a variant over the same section of its base: the base's entries in
// its order, each replaced by the variant's entry of the same name when `replace` (vars), then
// the variant's other entries. Without `replace` both are kept (nodes: loading reports the
// second as defined twice). `storage` holds the result when it is a new map.
const Value* Overlay(const Value* base, const Value* variant, bool replace, Value& storage) {
  if (base == nullptr || base->is_null()) return variant;
  if (variant == nullptr || variant->is_null()) return base;
  if (!base->is_map()) return base;        // reported as it is
  if (!variant->is_map()) return variant;
  storage = *base;
  for (const Value::Entry& e : variant->entries()) {
    Value* same = replace ? storage.Find(e.key) : nullptr;
    if (same != nullptr) {
      *same = e.value;
    } else {
      storage.entries().push_back(e);
    }
  }
  return &storage;
}

}  // namespace

const NodeDecl* PipelineSpec::Find(const std::string& name) const {
  for (const NodeDecl& n : nodes) {
    if (n.name == name) return &n;
  }
  return nullptr;
}

std::optional<Override> ParseOverride(const std::string& text, Diagnostics& diagnostics) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) {
    diagnostics.Error(SourceLocation{kCommandLine, 0, 0},
                      "--set '" + text + "': expected KEY=VALUE, e.g. train.params.lr=1e-5");
    return std::nullopt;
  }
  return Override{text.substr(0, eq), text.substr(eq + 1)};
}

std::optional<PipelineSpec> ParsePipeline(const std::string& text, const std::string& file,
                                          const std::vector<Override>& overrides,
                                          Diagnostics& diagnostics) {
  std::optional<Value> root = ParseYaml(text, file, diagnostics);
  if (!root) return std::nullopt;
  if (root->is_null()) {
    diagnostics.Error(SourceLocation{file, 0, 0}, "the pipeline file is empty; it needs 'nodes'");
    return std::nullopt;
  }
  if (!root->is_map()) {
    diagnostics.Error(root->loc(), "a pipeline file must be a map with 'nodes' (and optionally 'vars')");
    return std::nullopt;
  }
  CheckKeys(*root, kTopLevelKeys, "the pipeline file", diagnostics);
  std::optional<Value> base;
  if (const Value* base_name = root->Find("base")) {
    base = LoadBase(*base_name, file, diagnostics);
    if (!base) return std::nullopt;
  }

  std::map<std::string, Value> var_overrides;
  std::vector<NodeOverride> node_overrides;
  for (const Override& o : overrides) {
    Diagnostics value_diagnostics;
    std::optional<Value> value = ParseYaml(o.value, kCommandLine, value_diagnostics);
    if (!value) {
      diagnostics.Error(SourceLocation{kCommandLine, 0, 0}, "--set " + o.target + "=" + o.value +
                                                                 ": the value is not valid YAML");
      continue;
    }
    if (value->is_null()) *value = Value::Scalar("", false, SourceLocation{});
    // Errors about this value name the override itself: "--set train.params.lr=abc: error: ...".
    value->Relocate(SourceLocation{"--set " + o.target + "=" + o.value, 0, 0});
    std::vector<std::string> path = Split(o.target, '.');
    if (path.size() == 2 && path[0] == "vars") {
      var_overrides[path[1]] = *value;
    } else if (path.size() >= 3) {
      node_overrides.push_back(NodeOverride{path[0], {path.begin() + 1, path.end()}, *value});
    } else {
      diagnostics.Error(SourceLocation{kCommandLine, 0, 0},
                        "--set " + o.target + ": expected NODE.params.KEY=VALUE or vars.NAME=VALUE");
    }
  }

  Value merged_vars, merged_nodes;
  const Value* vars_section = root->Find("vars");
  const Value* nodes = root->Find("nodes");
  if (base) {
    vars_section = Overlay(base->Find("vars"), vars_section, true, merged_vars);
    nodes = Overlay(base->Find("nodes"), nodes, false, merged_nodes);
  }
  Bindings vars = ResolveVars(vars_section, var_overrides, diagnostics);
  PipelineSpec spec;
  spec.file = file;
  if (nodes == nullptr) {
    diagnostics.Error(root->loc(), "the pipeline file has no 'nodes'");
  } else if (!nodes->is_map()) {
    diagnostics.Error(nodes->loc(), "'nodes' must be a map of node names to nodes, got " + nodes->Describe());
  } else {
    ParseNodes(*nodes, vars, spec, diagnostics);
  }
  for (const NodeOverride& o : node_overrides) ApplyNodeOverride(spec, o, diagnostics);
  if (!diagnostics.empty()) return std::nullopt;
  return spec;
}

std::optional<PipelineSpec> LoadPipeline(const std::string& path,
                                         const std::vector<Override>& overrides,
                                         Diagnostics& diagnostics) {
  std::optional<std::string> text = ReadFile(path);
  if (!text) {
    diagnostics.Error(SourceLocation{path, 0, 0}, "cannot read pipeline file (does it exist?)");
    return std::nullopt;
  }
  return ParsePipeline(*text, path, overrides, diagnostics);
}

std::string NodeNameProblem(const std::string& name) {
  if (name.empty()) return "is empty";
  if (name.size() > kMaxNodeNameLength) return "is longer than " + std::to_string(kMaxNodeNameLength) + " characters";
  for (char c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-' && c != '.') {
      return std::string("contains '") + c + "': node names use letters, digits, '_', '-' and '.'";
    }
  }
  if (name[0] == '.' || name[0] == '-') return "starts with '" + name.substr(0, 1) + "'";
  if (name.find("..") != std::string::npos) return "contains '..'";
  return "";
}

}  // namespace xstilts
