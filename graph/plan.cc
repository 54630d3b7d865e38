#include "graph/plan.h"

#include <map>
#include <set>

#include "graph/cache_key.h"
#include "graph/diagnostics.h"

namespace xstilts {
namespace {

Result<std::vector<size_t>> NodeIndices(const ResolvedPipeline& pipeline, const std::vector<std::string>& names,
                                        const char* flag) {
  std::vector<size_t> out;
  std::vector<std::string> all;
  for (const ResolvedNode& n : pipeline.nodes) all.push_back(n.name);
  for (const std::string& name : names) {
    std::optional<size_t> i = pipeline.Find(name);
    if (!i) {
      return Status::Error(ErrorKind::kInvalidInput,
                           std::string(flag) + " names unknown node '" + name + "'" + DidYouMean(name, all));
    }
    out.push_back(*i);
  }
  return out;
}

// Why a node whose key has no entry must run: sets plan.stale_kind and plan.reasons.
void ExplainMiss(const ResolvedPipeline& pipeline, size_t i, ArtifactIndex& index, NodePlan& plan) {
  std::optional<std::string> last = index.LastKey(pipeline.nodes[i].name);
  if (!last) {
    plan.stale_kind = StaleKind::kNeverBuilt;
    plan.reasons = {"never built"};
    return;
  }
  if (*last == plan.key) {
    plan.stale_kind = StaleKind::kEntryMissing;
    plan.reasons = {"cache entry missing (deleted or moved aside)"};
    return;
  }
  plan.stale_kind = StaleKind::kKeyChanged;
  std::optional<nlohmann::json> before = index.Components(*last);
  if (!before) {
    plan.reasons = {"key changed since the last run, whose entry is gone"};
    return;
  }
  plan.reasons = DescribeKeyChange(*before, plan.components, pipeline, i);
  if (plan.reasons.empty()) plan.reasons.push_back("key changed");
}

// Passes hashing on to another hasher and remembers what was hashed.
class RecordingHasher : public FileHasher {
 public:
  RecordingHasher(FileHasher& inner, std::vector<HashedFile>& files) : inner_(inner), files_(files) {}
  std::string Hash(const std::filesystem::path& path) override {
    std::string hash = inner_.Hash(path);
    files_.push_back({std::filesystem::absolute(path), hash});
    return hash;
  }

 private:
  FileHasher& inner_;
  std::vector<HashedFile>& files_;
};

// With allow_missing_files: when upstream nodes of `i` cannot have keys (files missing), plans `i`
// the same way, naming the nodes whose files are missing, and returns true. `missing[j]`: those
// nodes for node j (j itself when its own files are missing).
bool WaitsForMissingInput(const ResolvedPipeline& pipeline, size_t i, std::vector<std::set<std::string>>& missing,
                          NodePlan& p) {
  for (size_t d : pipeline.nodes[i].deps) missing[i].insert(missing[d].begin(), missing[d].end());
  if (missing[i].empty()) return false;
  std::string names;
  for (const std::string& name : missing[i]) names += (names.empty() ? "" : ", ") + name;
  p.state = NodeState::kStale;
  p.stale_kind = StaleKind::kInputMissing;
  p.reasons = {"waits for the missing files of " + names};
  return true;
}

}  // namespace

const char* StaleKindName(StaleKind kind) {
  switch (kind) {
    case StaleKind::kNone: return "none";
    case StaleKind::kNeverBuilt: return "never_built";
    case StaleKind::kEntryMissing: return "entry_missing";
    case StaleKind::kKeyChanged: return "key_changed";
    case StaleKind::kCorrupt: return "corrupt";
    case StaleKind::kForced: return "forced";
    case StaleKind::kInputMissing: return "input_missing";
  }
  return "unknown";
}

size_t Plan::CountState(NodeState state) const {
  size_t n = 0;
  for (const NodePlan& p : nodes) n += p.state == state;
  return n;
}

Result<Plan> MakePlan(const ResolvedPipeline& pipeline, ArtifactIndex& index, FileHasher& hasher,
                      const PlanOptions& options) {
  Result<std::vector<size_t>> forced = NodeIndices(pipeline, options.force, "--force");
  if (!forced.ok()) return forced.status();
  Result<std::vector<size_t>> only = NodeIndices(pipeline, options.only, "--only");
  if (!only.ok()) return only.status();
  std::set<size_t> forced_set(forced->begin(), forced->end());
  std::vector<bool> selected(pipeline.nodes.size(), only->empty());
  for (size_t i : pipeline.Ancestors(*only)) selected[i] = true;

  Plan plan;
  plan.nodes.resize(pipeline.nodes.size());
  std::vector<std::string> keys(pipeline.nodes.size());
  // Every node's external files are hashed, so that all missing or unreadable ones are reported
  // at once rather than one per run.
  std::string problems;
  std::vector<std::set<std::string>> missing(pipeline.nodes.size());  // allow_missing_files
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    NodePlan& p = plan.nodes[i];
    if (options.allow_missing_files && WaitsForMissingInput(pipeline, i, missing, p)) continue;
    try {
      RecordingHasher recording(hasher, p.files);
      p.components = KeyComponents(pipeline, i, keys, recording);
    } catch (const std::exception& e) {
      if (options.allow_missing_files) {
        p.state = NodeState::kStale;
        p.stale_kind = StaleKind::kInputMissing;
        p.reasons = {std::string("needs ") + e.what()};
        p.files.clear();
        missing[i].insert(pipeline.nodes[i].name);
        continue;
      }
      problems += (problems.empty() ? "" : "\n") + pipeline.nodes[i].Describe() + ": " + e.what();
      continue;
    }
    if (!problems.empty()) continue;  // the keys of what follows are not needed any more
    p.key = keys[i] = KeyOf(p.components);
    if (!selected[i]) {
      p.state = index.Has(p.key) ? NodeState::kCached : NodeState::kNotSelected;
    } else if (forced_set.count(i)) {
      p.state = NodeState::kStale;
      p.stale_kind = StaleKind::kForced;
      p.reasons = {"forced (--force)"};
    } else if (index.Has(p.key)) {
      p.state = NodeState::kCached;
    } else {
      p.state = NodeState::kStale;
      ExplainMiss(pipeline, i, index, p);
    }
  }
  if (!problems.empty()) return Status::Error(ErrorKind::kInvalidInput, problems);
  std::map<std::string, std::vector<size_t>> by_key;
  for (size_t i = 0; i < plan.nodes.size(); ++i) {
    if (!plan.nodes[i].key.empty()) by_key[plan.nodes[i].key].push_back(i);
  }
  for (const auto& [key, twins] : by_key) {
    for (size_t i : twins) {
      for (size_t j : twins) {
        if (j != i) plan.nodes[i].same_key.push_back(j);
      }
    }
  }
  // A stale node reads its inputs: check their checksums now, so that a corrupt entry is rebuilt
  // rather than read. Reverse topological order lets a newly stale input have its inputs checked too.
  if (options.verify_inputs) {
    for (size_t i = pipeline.nodes.size(); i-- > 0;) {
      if (plan.nodes[i].state != NodeState::kStale) continue;
      for (size_t d : pipeline.nodes[i].deps) {
        NodePlan& input = plan.nodes[d];
        if (input.state != NodeState::kCached) continue;  // (a node without a key is never cached)
        Status verified = index.Verify(input.key);
        if (!verified.ok()) {
          input.state = NodeState::kStale;
          input.stale_kind = StaleKind::kCorrupt;
          input.reasons = {(verified.kind() == ErrorKind::kCorrupt ? "cache entry corrupt, moved aside: "
                                                                   : "cache entry unusable: ") +
                           verified.message()};
        }
      }
    }
  }
  return plan;
}

}  // namespace xstilts
