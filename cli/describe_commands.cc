// nodes and schema: what node types exist and how to write pipeline files.
#include <cstdio>

#include <fmt/format.h>

#include "base/messages.h"
#include "cli/commands.h"
#include "cli/wrap_text.h"
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
      PrintError("unknown node type '" + name + "'" + DidYouMean(name, registry.Names()));
      return 2;
    }
    std::fputs(WrapLines(DescribeNodeType(*type), TerminalWidth(stdout), 2).c_str(), stdout);
    return 0;
  }
  std::string list;
  for (const NodeType* type : registry.Types()) list += fmt::format("{:<18} {}\n", type->name, type->summary);
  std::fputs(WrapLines(list, TerminalWidth(stdout), 19).c_str(), stdout);
  return 0;
}

int SchemaCommand() {
  std::printf("%s\n", PipelineJsonSchema(NodeRegistry::Global()).dump(2).c_str());
  return 0;
}

}  // namespace xstilts
