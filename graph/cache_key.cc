#include "graph/cache_key.h"

#include <map>
#include <set>

#include "base/sha256.h"

namespace xstilts {
namespace {

std::string Show(const nlohmann::json& value) {
  return value.is_null() ? "(unset)" : value.dump();
}

// Flattens nested objects into "a.b.c" paths so a change names the innermost field.
void Flatten(const nlohmann::json& value, const std::string& prefix, std::map<std::string, nlohmann::json>& out) {
  if (value.is_object() && !value.empty()) {
    for (const auto& [k, v] : value.items()) Flatten(v, prefix + "." + k, out);
  } else {
    out[prefix] = value;
  }
}

}  // namespace

std::filesystem::path BaseDir(const ResolvedPipeline& pipeline) {
  return std::filesystem::absolute(pipeline.file).parent_path();
}

nlohmann::json KeyComponents(const ResolvedPipeline& pipeline, size_t index,
                             const std::vector<std::string>& keys, FileHasher& hasher) {
  const ResolvedNode& node = pipeline.nodes[index];
  nlohmann::json params = nlohmann::json::object();
  for (const ParamSpec& p : node.type->params) {
    if (!p.in_key || (p.key_omits_default && node.params[p.name] == p.default_value)) continue;
    params[p.name] = node.params[p.name];
  }
  nlohmann::json inputs = nlohmann::json::object();
  for (const ResolvedInput& in : node.inputs) {
    nlohmann::json refs = nlohmann::json::array();
    for (const InputRef& r : in.refs) refs.push_back(keys.at(r.node) + ":" + r.port);
    inputs[in.port] = refs;
  }
  nlohmann::json components = {{"type", node.type->name},
                               {"version", node.type->version},
                               {"params", params},
                               {"inputs", inputs}};
  bool paths_in_inputs = false;
  for (const ResolvedInput& in : node.inputs) {
    const PortSpec* port = node.type->FindInput(in.port);
    paths_in_inputs = paths_in_inputs || (port != nullptr && port->rebases_paths);
  }
  if (node.type->extra_key && !paths_in_inputs) {
    components["extra"] = node.type->extra_key(node.params, BaseDir(pipeline), hasher);
  }
  if (node.type->reads_lineage) {
    // The body labels its output with upstream names (a report's rows), which keys do not cover.
    nlohmann::json lineage = nlohmann::json::array();
    for (size_t a : pipeline.Ancestors({index})) {
      if (a != index) lineage.push_back(pipeline.nodes[a].name + ":" + pipeline.nodes[a].type->name);
    }
    components["lineage"] = lineage;
  }
  return components;
}

std::string KeyOf(const nlohmann::json& components) { return Sha256Hex(components.dump()); }

std::vector<std::string> DescribeKeyChange(const nlohmann::json& before, const nlohmann::json& after,
                                           const ResolvedPipeline& pipeline, size_t index) {
  std::vector<std::string> changes;
  if (before.value("type", "") != after.value("type", "")) {
    changes.push_back("node type " + before.value("type", "?") + " -> " + after.value("type", "?"));
  } else if (before.value("version", 0) != after.value("version", 0)) {
    changes.push_back("type version " + std::to_string(before.value("version", 0)) + " -> " +
                      std::to_string(after.value("version", 0)));
  }
  std::map<std::string, nlohmann::json> old_params, new_params;
  Flatten(before.value("params", nlohmann::json::object()), "params", old_params);
  Flatten(after.value("params", nlohmann::json::object()), "params", new_params);
  for (const auto& [path, value] : new_params) {
    auto it = old_params.find(path);
    nlohmann::json old_value = it == old_params.end() ? nlohmann::json() : it->second;
    if (old_value != value) changes.push_back(path + ": " + Show(old_value) + " -> " + Show(value));
  }
  for (const auto& [path, value] : old_params) {
    if (!new_params.count(path)) changes.push_back(path + ": " + Show(value) + " -> (removed)");
  }
  const ResolvedNode& node = pipeline.nodes[index];
  nlohmann::json old_inputs = before.value("inputs", nlohmann::json::object());
  nlohmann::json new_inputs = after.value("inputs", nlohmann::json::object());
  for (const auto& [port, refs] : new_inputs.items()) {
    if (old_inputs.contains(port) && old_inputs[port] == refs) continue;
    std::string from;
    for (const ResolvedInput& in : node.inputs) {
      if (in.port != port) continue;
      for (const InputRef& r : in.refs) from += (from.empty() ? "" : ", ") + pipeline.nodes[r.node].name;
    }
    changes.push_back("input '" + port + "' changed" + (from.empty() ? "" : " (from " + from + ")"));
  }
  for (const auto& [port, refs] : old_inputs.items()) {
    if (!new_inputs.contains(port)) changes.push_back("input '" + port + "' removed");
  }
  std::map<std::string, nlohmann::json> old_extra, new_extra;
  Flatten(before.value("extra", nlohmann::json::object()), "extra", old_extra);
  Flatten(after.value("extra", nlohmann::json::object()), "extra", new_extra);
  for (const auto& [path, value] : new_extra) {
    auto it = old_extra.find(path);
    if (it != old_extra.end() && it->second == value) continue;
    // extra.files.<path> entries hold content hashes: say which file changed, not the hashes.
    if (path.rfind("extra.files.", 0) == 0) {
      changes.push_back("file " + path.substr(12) + (it == old_extra.end() ? " added" : " changed"));
    } else {
      changes.push_back(path + ": " + Show(it == old_extra.end() ? nlohmann::json() : it->second) + " -> " + Show(value));
    }
  }
  for (const auto& [path, value] : old_extra) {
    if (!new_extra.count(path)) {
      changes.push_back(path.rfind("extra.files.", 0) == 0 ? "file " + path.substr(12) + " removed"
                                                          : path + " removed");
    }
  }
  const nlohmann::json old_lineage = before.value("lineage", nlohmann::json::array());
  const nlohmann::json new_lineage = after.value("lineage", nlohmann::json::array());
  if (old_lineage != new_lineage) {
    std::set<std::string> old_names(old_lineage.begin(), old_lineage.end());
    std::set<std::string> new_names(new_lineage.begin(), new_lineage.end());
    std::string added, removed;
    for (const std::string& n : new_names) {
      if (!old_names.count(n)) added += (added.empty() ? "" : ", ") + n.substr(0, n.rfind(':'));
    }
    for (const std::string& n : old_names) {
      if (!new_names.count(n)) removed += (removed.empty() ? "" : ", ") + n.substr(0, n.rfind(':'));
    }
    std::string line = "upstream nodes renamed or changed:";
    if (!removed.empty()) line += " -" + removed;
    if (!added.empty()) line += " +" + added;
    changes.push_back(line);
  }
  return changes;
}

}  // namespace xstilts
