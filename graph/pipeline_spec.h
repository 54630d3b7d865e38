// PipelineSpec: a pipeline file after loading, variable substitution and foreach expansion, but
// before node types are consulted. Loading reports every problem it finds to Diagnostics.
//
// The file format (docs/pipeline-format.md):
//   base: x.yaml     # optional: a pipeline file in the same folder that this one is a variant of
//                    # (its vars, this file's replacing those of the same name; its nodes, then these)
//   vars:            # optional: name -> scalar or list, usable as ${name} anywhere below
//   nodes:           # name -> node
//     <name>:
//       type: <node type>
//       inputs: {<port>: <ref> | [<ref>, ...]}   # ref = node | node.port; '*' globs node names
//       params: {...}
//       foreach: {<var>: [values...]}           # expands the node over the cartesian product
//       resources: {threads: N, gpus: N}
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostics.h"
#include "graph/value.h"

namespace xstilts {

struct NodeDecl {
  std::string name;
  SourceLocation loc;        // of the node's name in the file
  std::string type;
  SourceLocation type_loc;
  Value inputs;              // map or null
  Value params;              // map or null
  Value resources;           // map or null
  std::string template_name; // the name before foreach expansion (== name when not expanded)
};

struct PipelineSpec {
  std::string file;
  std::vector<NodeDecl> nodes;  // file order; expanded nodes in product order
  const NodeDecl* Find(const std::string& name) const;
};

// `--set` overrides: "vars.NAME=VALUE" or "NODE.params.KEY=VALUE" (VALUE is YAML: 1e-5, [de, fr]).
struct Override {
  std::string target;  // the part before '='
  std::string value;
};
// Parses "K=V"; returns nullopt (with an error in diagnostics) when there is no '='.
std::optional<Override> ParseOverride(const std::string& text, Diagnostics& diagnostics);

// Node names become file names (metrics/<node>.json, a report's folder) and log lines, so they
// are kept to a set that is safe as one path component everywhere: letters, digits, '_', '-' and
// '.', not starting with '.' or '-', without "..", at most kMaxNodeNameLength characters.
// Returns what is wrong with `name` ("contains '/': ..."), or "" when it is a valid name.
constexpr size_t kMaxNodeNameLength = 200;
// Nodes one `foreach` may make: a grid of lists past this is a mistake, not a study.
constexpr size_t kMaxForeachNodes = 100000;
std::string NodeNameProblem(const std::string& name);

// Loads a pipeline file and expands it. Returns nullopt when diagnostics has errors.
std::optional<PipelineSpec> LoadPipeline(const std::string& path,
                                         const std::vector<Override>& overrides,
                                         Diagnostics& diagnostics);
// The same from text (tests, the embedded demo); `file` names it in locations, and a `base` is
// looked for in its folder.
std::optional<PipelineSpec> ParsePipeline(const std::string& text, const std::string& file,
                                          const std::vector<Override>& overrides,
                                          Diagnostics& diagnostics);

}  // namespace xstilts
