#include "engine/lineage.h"

namespace xstilts {

std::vector<LineageNode> BuildLineage(const ResolvedPipeline& pipeline, const Plan& plan, const ArtifactStore& store,
                                      const std::vector<size_t>& nodes, const std::set<std::string>& built_now) {
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
    }
    lineage.push_back(std::move(item));
  }
  return lineage;
}

}  // namespace xstilts
