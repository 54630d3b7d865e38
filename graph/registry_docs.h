// What the node registry tells people and editors: the JSON Schema of pipeline files
// (`xstilts schema`), the node reference (`xstilts nodes --markdown` > docs/nodes.md) and the
// text of `xstilts nodes NAME`. All are generated from the NodeType descriptors.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "graph/registry.h"

namespace xstilts {

// JSON Schema (draft-07, which editors' YAML plugins understand) for pipeline files.
nlohmann::json PipelineJsonSchema(const NodeRegistry& registry);
std::string NodeReferenceMarkdown(const NodeRegistry& registry);
std::string DescribeNodeType(const NodeType& type);

}  // namespace xstilts
