// NodeRegistry: every node type the program knows, by name.
//
// Node types register themselves from their own file at static-initialization time:
//   XSTILTS_REGISTER_NODE_TYPE(MakeExecNodeType);   // NodeType MakeExecNodeType();
// The node libraries are OBJECT libraries so that the linker keeps these registrations.
// Registration happens before main(); afterwards the registry is read-only and thread-safe.
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "graph/node_type.h"

namespace xstilts {

class NodeRegistry {
 public:
  static NodeRegistry& Global();
  // Registers a type; a second type of the same name is a programming error (throws).
  void Add(NodeType type);
  const NodeType* Find(const std::string& name) const;
  std::vector<std::string> Names() const;  // sorted
  std::vector<const NodeType*> Types() const;  // sorted by name

 private:
  std::map<std::string, std::unique_ptr<NodeType>> types_;
};

struct NodeTypeRegistration {
  explicit NodeTypeRegistration(NodeType (*make)()) { NodeRegistry::Global().Add(make()); }
};

}  // namespace xstilts

#define XSTILTS_REGISTER_NODE_TYPE(make_fn) \
  static ::xstilts::NodeTypeRegistration xstilts_registration_##make_fn(&make_fn)
