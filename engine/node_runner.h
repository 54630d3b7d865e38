// CachingNodeRunner: runs one pipeline node against the artifact store.
//
// For a stale node: takes the key's lock without waiting (kBusy while another process, or a node
// of this run with the same key, holds it: the executor runs other nodes and comes back, and an
// entry completed meanwhile is reused), runs the node type's body in a fresh temp directory,
// records timings and cost, and publishes the outputs atomically. A failed or cancelled body leaves
// nothing in the cache. Thread-safe: the executor calls Run() for independent nodes concurrently.
#pragma once

#include <atomic>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "data/artifact_store.h"
#include "data/remote_store.h"
#include "engine/run_observer.h"
#include "graph/executor.h"
#include "graph/plan.h"
#include "graph/resolve.h"

namespace xstilts {

class CachingNodeRunner : public NodeRunner {
 public:
  // With `remote` (and unless it is read-only), each entry published is uploaded to it too; an
  // upload that fails is a warning, never a failed node.
  CachingNodeRunner(const ResolvedPipeline& pipeline, const Plan& plan, ArtifactStore& store,
                    RunObserver& observer, const std::atomic<bool>* cancel, RemoteStore* remote = nullptr)
      : pipeline_(pipeline), plan_(plan), store_(store), observer_(observer), cancel_(cancel), remote_(remote) {}

  NodeResult Run(size_t node, const GrantedResources& granted) override;
  void Waiting(size_t node, const std::string& why) override;

  // The metadata recorded for nodes that ran in this process (by node name).
  std::map<std::string, nlohmann::json> records() const;
  // Fields added to the metadata of every node this runner builds, before it is published (a
  // Slurm job's id, host and queue wait: cluster/run_node.h). Set before the first Run.
  void set_record_extra(nlohmann::json extra) { record_extra_ = std::move(extra); }

 private:
  NodeResult Build(size_t node, const GrantedResources& granted, nlohmann::json& record);
  // The node's key's lock, or nullopt with `holder` ("another process", "node 'x'") when it is
  // held; the first time per node, tells the observer that the run goes on with other nodes.
  std::optional<FileLock> TryLockKey(size_t node, std::string& holder);
  // Why a node whose key was missing when planned is cached now: a node of this run with the same
  // key built it, or another process did.
  std::string BuiltMeanwhileBy(size_t node) const;
  // Uploads the entry just published to the remote, if there is one; a failure is a warning.
  void Upload(const std::string& node, const std::string& key);

  const ResolvedPipeline& pipeline_;
  const Plan& plan_;
  ArtifactStore& store_;
  RunObserver& observer_;
  const std::atomic<bool>* cancel_;
  RemoteStore* remote_;
  mutable std::mutex mutex_;
  std::map<std::string, nlohmann::json> records_;
  std::map<std::string, std::string> built_by_;  // key -> the node of this run that built it
  nlohmann::json record_extra_ = nlohmann::json::object();
  std::map<std::string, std::string> building_;  // key -> the node of this run holding its lock
  std::set<size_t> told_busy_;                    // nodes reported as waiting for a busy key
};

}  // namespace xstilts
