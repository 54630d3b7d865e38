// Session: what every pipeline command starts with: the pipeline loaded, expanded and resolved
// (diagnostics printed, exit code 2 on errors), the cache opened, and a planner view of it.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "data/artifact_store.h"
#include "data/cached_file_hasher.h"
#include "data/remote_store.h"
#include "graph/plan.h"
#include "graph/resolve.h"

namespace xstilts {

// The exit code of a command that cannot use its environment: a cache directory or run log that
// cannot be created or written, a node needing GPUs the machine lacks. (0 ok, 1 a node failed,
// 2 invalid input, 130 interrupted.)
constexpr int kExitEnvironment = 3;

struct PipelineOptions {
  std::string pipeline;             // the YAML file
  std::string cache_dir;            // --cache; empty: DefaultCacheDir()
  std::vector<std::string> set;     // --set K=V
  std::string remote;               // --remote URL; empty: $XSTILTS_REMOTE, else none
  bool remote_read_only = false;    // --remote-read-only: never upload
  std::string remote_ca;            // --remote-ca FILE
};

// The planner's view of an ArtifactStore (and of its remote tier, when there is one) plus the
// pipeline's last-built references. An entry only the remote has counts as cached; it is
// downloaded when Verify is asked for it (a stale node is about to read it). A remote that cannot
// be reached gives one warning and is not asked again: the run goes on with the local cache.
class StoreIndex : public ArtifactIndex {
 public:
  StoreIndex(ArtifactStore& store, std::string pipeline_id, RemoteStore* remote = nullptr);
  bool Has(const std::string& key) override;
  Status Verify(const std::string& key) override;
  std::optional<nlohmann::json> Components(const std::string& key) override;
  std::optional<std::string> LastKey(const std::string& node) override;
  std::map<std::string, std::string>& refs() { return refs_; }
  // The remote's manifest of `key` (the entry's metadata), asked once; nullopt when there is no
  // remote, it lacks the entry, or it cannot be reached.
  std::optional<nlohmann::json> RemoteManifest(const std::string& key);

 private:

  ArtifactStore& store_;
  std::map<std::string, std::string> refs_;
  RemoteStore* remote_;
  bool remote_failed_ = false;
  std::map<std::string, std::optional<nlohmann::json>> manifests_;
};

struct Session {
  ResolvedPipeline pipeline;
  std::unique_ptr<ArtifactStore> store;
  std::unique_ptr<RemoteStore> remote;  // null without --remote / $XSTILTS_REMOTE
  std::string pipeline_id;
  std::unique_ptr<CachedFileHasher> hasher;
  std::unique_ptr<StoreIndex> index;
  // Shared hold on the cache's in-use lock while the command runs: `cache gc` waits for it.
  std::optional<FileLock> in_use;
};

// Loads everything; on failure prints the reason to stderr and returns the exit code in `exit_code`.
// Waits while `xstilts cache gc` runs on the cache (saying so once).
std::optional<Session> OpenSession(const PipelineOptions& options, int& exit_code);

// Plans the session's pipeline; on failure prints each problem as an `error:` line to stderr and
// returns the exit code (2 for invalid input such as a missing dataset file) in `exit_code`.
std::optional<Plan> PlanSession(Session& session, const PlanOptions& options, int& exit_code);

// PlanSession for the commands that only read (status, explain, report, export, cache push/pull,
// gc's kept keys): cached inputs are not checksummed, so nothing is moved aside.
std::optional<Plan> PlanWithoutChanges(Session& session, int& exit_code);

// PlanWithoutChanges as `run --dry-run` plans: a node whose external files are not here (a
// download, licensed data) is planned without a key, with what it needs, instead of failing the
// plan (estimate, and report on a pipeline whose local inputs are missing).
std::optional<Plan> PlanAsDryRun(Session& session, int& exit_code);

// Loads and resolves only (no cache): for `graph` and validation.
std::optional<ResolvedPipeline> LoadResolved(const PipelineOptions& options, int& exit_code);

}  // namespace xstilts
