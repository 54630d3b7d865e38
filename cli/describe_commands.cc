// nodes and schema: what node types exist and how to write pipeline files.
#include <cstdio>

#include "cli/commands.h"
#include "graph/diagnostics.h"
#include "graph/registry.h"
#include "graph/registry_docs.h"

namespace xstilts {

int NodesCommand(const std::string& name, bool markdown) {
  const NodeRegistry& registry = NodeRegistry::Global();
  if (markdown) {
    std::fputs(NodeReferenceMarkdown(registry).c_str(), stdout);
    return 0;
  }
  if (!name.empty()) {
    const NodeType* type = registry.Find(name);
    if (type == nullptr) {
      std::fprintf(stderr, "error: unknown node type '%s'%s\n", name.c_str(), DidYouMean(name, registry.Names()).c_str());
      return 2;
    }
    std::fputs(DescribeNodeType(*type).c_str(), stdout);
    return 0;
  }
  for (const NodeType* type : registry.Types()) std::printf("%-18s %s\n", type->name.c_str(), type->summary.c_str());
  return 0;
}

int SchemaCommand() {
  std::printf("%s\n", PipelineJsonSchema(NodeRegistry::Global()).dump(2).c_str());
  return 0;
}

}  // namespace xstilts
