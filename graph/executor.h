// Executor: runs the nodes a Plan marked stale as a oneTBB flow graph.
//
// Independent nodes run in parallel (at most `jobs` at once). Each node holds resource tokens
// while it runs: `threads` of the executor's cores and `gpus` of its GPUs, so bodies never
// oversubscribe the cores and never share a GPU. A failed node marks its descendants skipped;
// without keep_going, nodes not yet started are skipped too. Cancellation (Ctrl-C) lets running
// bodies observe `cancel` and stop; nothing new starts.
//
// Cooperative runs: a runner answers kBusy when another process holds the node's cache key (the
// same pipeline run elsewhere on a shared cache). The node then gives back its worker slot and
// tokens and is parked while other ready nodes run; it is tried again after a delay (0.2 s,
// doubling to 2 s), and its successors wait for its final result. A parked node is finished as
// cancelled at once on `cancel`, and as skipped once a failure stops the run (without keep_going).
//
// The executor knows nothing of the cache: a NodeRunner does the work of one node (ninja's
// CommandRunner split), so tests can run the scheduling logic with a fake runner.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "graph/resolve.h"

namespace xstilts {

// kBusy: another process holds the node's key; only a NodeRunner answers it, never Execute().
enum class NodeOutcome { kRan, kCached, kFailed, kSkipped, kCancelled, kBusy };
// "ran", "cached", "failed", "skipped", "cancelled", "busy"
const char* OutcomeName(NodeOutcome outcome);

struct NodeResult {
  NodeOutcome outcome = NodeOutcome::kSkipped;
  std::string message;  // why it failed or was skipped
  double seconds = 0;
};

struct GrantedResources {
  int threads = 1;
  int gpus = 0;
  std::vector<int> gpu_ids;
};

class NodeRunner {
 public:
  virtual ~NodeRunner() = default;
  // Does the work of pipeline node `node`. Called on a worker thread, concurrently for independent
  // nodes; must not throw. kBusy (another process holds the node's key) is not a result: Run is
  // called again for the node later, and it must not report the busy attempt as the node's end.
  // Any other outcome is the node's final result.
  virtual NodeResult Run(size_t node, const GrantedResources& granted) = 0;
  // Node `node` is ready but must wait for the cores or GPUs that running nodes hold; `why` says
  // what it waits for ("waiting for 2 threads: 1 of 2 free"). Called at most once per node.
  virtual void Waiting(size_t node, const std::string& why) {}
};

struct ExecuteOptions {
  int jobs = 1;                   // nodes running at once
  int threads = 1;                // cores shared by all running nodes
  int gpus = 0;                   // GPUs shared by all running nodes
  bool keep_going = false;        // after a failure, go on with nodes that do not depend on it
  const std::atomic<bool>* cancel = nullptr;
};

// Runs the nodes with run[i] set; the others count as cached inputs. Returns a final result per
// node, never kBusy (kCached for the ones not run).
std::vector<NodeResult> Execute(const ResolvedPipeline& pipeline, const std::vector<bool>& run,
                                NodeRunner& runner, const ExecuteOptions& options);

}  // namespace xstilts
