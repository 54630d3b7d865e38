// Plan: decides, for every node of a resolved pipeline, whether its cached artifact can be used
// or it must run, and why. Like ninja's Plan, it decides and does not run anything; the
// Executor (graph/executor.h) runs what the plan marks.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "graph/node_type.h"
#include "graph/resolve.h"

namespace xstilts {

// The planner's view of the cache. The artifact store implements it (data/artifact_store.h);
// tests use an in-memory fake.
class ArtifactIndex {
 public:
  virtual ~ArtifactIndex() = default;
  // A complete entry exists (cheap: metadata present, artifact sizes as recorded).
  virtual bool Has(const std::string& key) = 0;
  // Makes the entry ready to be read: a full check of its checksums (a corrupt entry is moved
  // aside: kCorrupt), or for an entry held only remotely, its download (kNotFound on failure).
  virtual Status Verify(const std::string& key) = 0;
  // The key components recorded in an entry's metadata, if the entry exists.
  virtual std::optional<nlohmann::json> Components(const std::string& key) = 0;
  // The key this pipeline's node had when it last ran or was found cached.
  virtual std::optional<std::string> LastKey(const std::string& node) = 0;
};

enum class NodeState { kCached, kStale, kNotSelected };

// Why a stale node must run; `NodePlan::reasons` says it in words.
enum class StaleKind {
  kNone,          // not stale
  kNeverBuilt,    // this pipeline never built the node
  kEntryMissing,  // its key is unchanged but the entry is gone (deleted or moved aside)
  kKeyChanged,    // its key changed: reasons name the inputs or params that changed
  kCorrupt,       // its entry failed its checksums when a stale node was about to read it
  kForced,        // --force
  kInputMissing,  // (planned with allow_missing_files) a file it reads, or an upstream node's, is
                  // missing: its key cannot be known yet, NodePlan::key is empty
};
const char* StaleKindName(StaleKind kind);  // "never_built", "entry_missing", ...

struct NodePlan {
  std::string key;
  nlohmann::json components;
  NodeState state = NodeState::kStale;
  StaleKind stale_kind = StaleKind::kNone;
  std::vector<std::string> reasons;  // why it is stale, for people (one change a line)
  // The external files the key hashed (datasets, `files`, exec deps, tokenizer and checkpoint
  // files). Readers check the bytes they read against these hashes (base/expected_content.h) and
  // the runner hashes them again after the body ran; it publishes nothing if one changed.
  std::vector<HashedFile> files;
  // Other nodes of the pipeline with the same key (the same work declared twice): one build
  // serves them all. In pipeline order.
  std::vector<size_t> same_key;
};

struct PlanOptions {
  std::vector<std::string> force;  // run these even if cached
  std::vector<std::string> only;   // run only these and what they need
  bool verify_inputs = true;       // checksum cached artifacts that stale nodes will read
  // A dry run's plan: a node whose external files cannot be hashed, and every node downstream of
  // it, is planned stale with StaleKind::kInputMissing and no key (reasons say what it needs),
  // instead of failing the plan.
  bool allow_missing_files = false;
};

struct Plan {
  std::vector<NodePlan> nodes;  // parallel to ResolvedPipeline::nodes
  size_t CountState(NodeState state) const;
};

// Computes keys in topological order, looks each up, and gives stale nodes their reasons.
// Fails (kInvalidInput) when a --force/--only name is unknown or external files cannot be hashed
// (unless allow_missing_files): then the message has one line per node and file, for every such
// file of the pipeline.
Result<Plan> MakePlan(const ResolvedPipeline& pipeline, ArtifactIndex& index, FileHasher& hasher,
                      const PlanOptions& options);

}  // namespace xstilts
