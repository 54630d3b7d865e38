// Typed parameters: converts a node's `params:` Values into JSON of the declared types.
#pragma once

#include <optional>

#include <nlohmann/json.hpp>

#include "graph/diagnostics.h"
#include "graph/node_type.h"
#include "graph/value.h"

namespace xstilts {

// Converts one value to `spec`'s type. On a mismatch reports "parameter 'lr' expects a number,
// got 'abc'" at the value and returns nullopt. `node` names the node in messages.
std::optional<nlohmann::json> ConvertParam(const ParamSpec& spec, const Value& value,
                                           const std::string& node, Diagnostics& diagnostics);

// All parameters of a node: declared ones converted (defaults filled in), unknown ones and missing
// required ones reported. `params` is a map Value or null.
std::optional<nlohmann::json> ConvertParams(const NodeType& type, const Value& params,
                                            const std::string& node, const SourceLocation& node_loc,
                                            Diagnostics& diagnostics);

}  // namespace xstilts
