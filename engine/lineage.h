// BuildLineage: the upstream view of pipeline nodes that NodeContext::lineage() gives a body and
// `xstilts report` reads: names, types, params, input wiring, and each cache entry's record.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "data/artifact_store.h"
#include "graph/node_type.h"
#include "graph/plan.h"
#include "graph/resolve.h"

namespace xstilts {

// `nodes` and everything upstream of them, in topological order. A node in `built_now` is marked
// as built by this run (reused = false); every other one with an entry as reused. Reads each
// entry's metadata from `store`, else from `remote_record` when given (the manifest of an entry
// only a remote cache has: the same metadata); a node without an entry has a null record.
std::vector<LineageNode> BuildLineage(
    const ResolvedPipeline& pipeline, const Plan& plan, const ArtifactStore& store, const std::vector<size_t>& nodes,
    const std::set<std::string>& built_now,
    const std::function<std::optional<nlohmann::json>(const std::string& key)>& remote_record = nullptr);

}  // namespace xstilts
