#include "graph/registry.h"

#include <stdexcept>

namespace xstilts {

NodeRegistry& NodeRegistry::Global() {
  static NodeRegistry registry;
  return registry;
}

void NodeRegistry::Add(NodeType type) {
  std::string name = type.name;
  if (!types_.emplace(name, std::make_unique<NodeType>(std::move(type))).second) {
    throw std::logic_error("node type '" + name + "' registered twice");
  }
}

const NodeType* NodeRegistry::Find(const std::string& name) const {
  auto it = types_.find(name);
  return it == types_.end() ? nullptr : it->second.get();
}

std::vector<std::string> NodeRegistry::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, type] : types_) names.push_back(name);
  return names;
}

std::vector<const NodeType*> NodeRegistry::Types() const {
  std::vector<const NodeType*> types;
  for (const auto& [name, type] : types_) types.push_back(type.get());
  return types;
}

}  // namespace xstilts
