// Resolve: checks a PipelineSpec against the node registry and turns it into a DAG.
//
// Reports every problem at once: unknown node types and parameters (with "did you mean"),
// parameter types, references to missing nodes or ports, artifact kinds that do not fit,
// and cycles (as their path, "a -> b -> c -> a").
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/diagnostics.h"
#include "graph/node_type.h"
#include "graph/pipeline_spec.h"
#include "graph/registry.h"

namespace xstilts {

struct InputRef {
  size_t node = 0;   // index of the producing node in ResolvedPipeline::nodes
  std::string port;  // its output port
};

struct ResolvedInput {
  std::string port;
  std::vector<InputRef> refs;
};

struct ResolvedNode {
  std::string name;
  SourceLocation loc;
  const NodeType* type = nullptr;
  nlohmann::json params;             // every declared parameter, defaults filled in
  std::vector<ResolvedInput> inputs; // in the type's port order; unconnected optional ports omitted
  Resources resources;
  std::vector<size_t> deps;          // distinct producer indices, ascending

  // "node 'train' (demo.yaml:30:3)": how runtime messages name a node.
  std::string Describe() const;
};

struct ResolvedPipeline {
  std::string file;
  std::vector<ResolvedNode> nodes;  // topological order (ties keep file order)
  std::optional<size_t> Find(const std::string& name) const;
  // Indices of `roots` and everything downstream of them, ascending.
  std::vector<size_t> Descendants(const std::vector<size_t>& roots) const;
  // Indices of `roots` and everything upstream of them, ascending.
  std::vector<size_t> Ancestors(const std::vector<size_t>& roots) const;
};

std::optional<ResolvedPipeline> Resolve(const PipelineSpec& spec, const NodeRegistry& registry,
                                        Diagnostics& diagnostics);

}  // namespace xstilts
