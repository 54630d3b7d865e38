// Cache keys: SHA-256 over a canonical JSON of what determines a node's output.
//
//   components = {"type": name, "version": n, "params": {in-key params},
//                 "inputs": {port: ["<producer key>:<port>", ...]}, "extra": {...}}
//   key        = sha256(components.dump())  -- nlohmann::json keeps object keys sorted
//
// Node names are not part of the key: renaming a node keeps its cache. The components are stored
// in each entry's metadata so that `explain` can name the field that changed.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/node_type.h"
#include "graph/resolve.h"

namespace xstilts {

// `input_keys[i]` is the key of pipeline.nodes[i]; all producers of `node` must be filled in.
nlohmann::json KeyComponents(const ResolvedPipeline& pipeline, size_t node,
                             const std::vector<std::string>& input_keys, FileHasher& hasher);
std::string KeyOf(const nlohmann::json& components);
// The directory relative paths in a pipeline's params are resolved against: the file's own.
std::filesystem::path BaseDir(const ResolvedPipeline& pipeline);

// What changed between two components, one line each, e.g. "params.lr: 3e-05 -> 1e-05",
// "type version 2 -> 3", "input 'corpus' changed (from node 'tok')", "file data/a.txt changed".
std::vector<std::string> DescribeKeyChange(const nlohmann::json& before, const nlohmann::json& after,
                                           const ResolvedPipeline& pipeline, size_t node);

}  // namespace xstilts
