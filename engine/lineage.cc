#include "engine/lineage.h"

namespace xstilts {

std::vector<LineageNode> BuildLineage(
    const ResolvedPipeline& pipeline, const Plan& plan, const ArtifactStore& store, const std::vector<size_t>& nodes,
    const std::set<std::string>& built_now,
    const std::function<std::optional<nlohmann::json>(const std::string& key)>& remote_record) {
  std::vector<LineageNode> lineage;
  for (size_t i : pipeline.Ancestors(nodes)) {
    const ResolvedNode& node = pipeline.nodes[i];
    LineageNode item;
    item.name = node.name;
    item.type = node.type->name;
    item.key = plan.nodes[i].key;
    item.params = node.params;
    for (const ResolvedInput& in : node.inputs) {
      for (const InputRef& r : in.refs) item.inputs[in.port].push_back(pipeline.nodes[r.node].name);
    }
    item.entry_dir = store.EntryDir(item.key);
    if (std::optional<CacheEntry> entry = store.Lookup(item.key)) {
      item.record = entry->meta;
      item.reused = built_now.count(node.name) == 0;
    } else if (std::optional<nlohmann::json> record = remote_record ? remote_record(item.key) : std::nullopt) {
      item.record = std::move(*record);
      item.reused = true;
    }
    lineage.push_back(std::move(item));
  }
  return lineage;
}

}  // namespace xstilts
