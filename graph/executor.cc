#include "graph/executor.h"

#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>

namespace xstilts {
namespace {

// Counting tokens for cores and GPUs. Acquire blocks until the request fits.
class ResourcePool {
 public:
  ResourcePool(int threads, int gpus)
      : threads_(std::max(1, threads)), total_threads_(threads_), free_gpus_(static_cast<size_t>(std::max(0, gpus)), true) {}

  // Returns false if cancelled while waiting. Before it first waits, calls `waiting` with what
  // the request lacks.
  bool Acquire(const Resources& want, GrantedResources& granted, const std::atomic<bool>* cancel,
               const std::function<void(const std::string&)>& waiting) {
    int threads = want.threads <= 0 ? total_threads() : std::min(want.threads, total_threads());
    int gpus = std::min<int>(want.gpus, static_cast<int>(free_gpus_.size()));
    std::unique_lock<std::mutex> lock(mutex_);
    bool told = false;
    while (threads_ < threads || FreeGpus() < gpus) {
      if (cancel && cancel->load()) return false;
      if (!told) {
        told = true;
        const std::string why = threads_ < threads
                                    ? "waiting for " + std::to_string(threads) + " threads: " + std::to_string(threads_) +
                                          " of " + std::to_string(total_threads_) + " free"
                                    : "waiting for " + std::to_string(gpus) + " GPUs: " + std::to_string(FreeGpus()) +
                                          " of " + std::to_string(free_gpus_.size()) + " free";
        lock.unlock();
        waiting(why);
        lock.lock();
        continue;
      }
      changed_.wait_for(lock, std::chrono::milliseconds(100));
    }
    threads_ -= threads;
    granted.threads = threads;
    granted.gpus = gpus;
    for (size_t g = 0; g < free_gpus_.size() && static_cast<int>(granted.gpu_ids.size()) < gpus; ++g) {
      if (free_gpus_[g]) {
        free_gpus_[g] = false;
        granted.gpu_ids.push_back(static_cast<int>(g));
      }
    }
    return true;
  }

  void Release(const GrantedResources& granted) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      threads_ += granted.threads;
      for (int g : granted.gpu_ids) free_gpus_[static_cast<size_t>(g)] = true;
    }
    changed_.notify_all();
  }

  int total_threads() const { return total_threads_; }

 private:
  int FreeGpus() const { return static_cast<int>(std::count(free_gpus_.begin(), free_gpus_.end(), true)); }
  std::mutex mutex_;
  std::condition_variable changed_;
  int threads_;
  const int total_threads_;
  std::vector<bool> free_gpus_;
};

}  // namespace

const char* OutcomeName(NodeOutcome outcome) {
  switch (outcome) {
    case NodeOutcome::kRan: return "ran";
    case NodeOutcome::kCached: return "cached";
    case NodeOutcome::kFailed: return "failed";
    case NodeOutcome::kSkipped: return "skipped";
    case NodeOutcome::kCancelled: return "cancelled";
    case NodeOutcome::kBusy: return "busy";
  }
  return "?";
}

std::vector<NodeResult> Execute(const ResolvedPipeline& pipeline, const std::vector<bool>& run,
                                NodeRunner& runner, const ExecuteOptions& options) {
  size_t n = pipeline.nodes.size();
  std::vector<NodeResult> results(n);
  for (size_t i = 0; i < n; ++i) {
    if (!run[i]) results[i].outcome = NodeOutcome::kCached;
  }
  ResourcePool pool(options.threads, options.gpus);
  std::atomic<bool> stop{false};  // a failure without keep_going
  std::mutex results_mutex;

  // Why node i cannot run because of its inputs, or "" if it can.
  auto blocked_by_input = [&](size_t i) -> std::string {
    std::lock_guard<std::mutex> lock(results_mutex);
    for (size_t d : pipeline.nodes[i].deps) {
      NodeOutcome o = results[d].outcome;
      if (o == NodeOutcome::kFailed || o == NodeOutcome::kSkipped || o == NodeOutcome::kCancelled) {
        return "input '" + pipeline.nodes[d].name + "' " + OutcomeName(o);
      }
    }
    return "";
  };

  auto body = [&](size_t i) {
    auto finish = [&](NodeResult r) {
      std::lock_guard<std::mutex> lock(results_mutex);
      results[i] = std::move(r);
    };
    if (std::string blocked = blocked_by_input(i); !blocked.empty()) {
      return finish(NodeResult{NodeOutcome::kSkipped, blocked, 0});
    }
    if (options.cancel && options.cancel->load()) {
      return finish(NodeResult{NodeOutcome::kCancelled, "not started: interrupted", 0});
    }
    if (stop.load()) return finish(NodeResult{NodeOutcome::kSkipped, "not started: the run stopped after a failure", 0});
    GrantedResources granted;
    if (!pool.Acquire(pipeline.nodes[i].resources, granted, options.cancel,
                      [&](const std::string& why) { runner.Waiting(i, why); })) {
      return finish(NodeResult{NodeOutcome::kCancelled, "not started: interrupted", 0});
    }
    NodeResult result = runner.Run(i, granted);
    pool.Release(granted);
    if (result.outcome == NodeOutcome::kFailed && !options.keep_going) stop = true;
    finish(std::move(result));
  };

  // More jobs than cores is fine for nodes that wait on subprocesses; allow TBB that many workers.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(std::max(1, options.jobs)));
  tbb::task_arena arena(std::max(1, options.jobs));
  arena.execute([&] {
    tbb::flow::graph graph;
    tbb::flow::broadcast_node<tbb::flow::continue_msg> start(graph);
    std::vector<std::unique_ptr<tbb::flow::continue_node<tbb::flow::continue_msg>>> nodes(n);
    for (size_t i = 0; i < n; ++i) {
      if (!run[i]) continue;
      nodes[i] = std::make_unique<tbb::flow::continue_node<tbb::flow::continue_msg>>(
          graph, [&body, i](const tbb::flow::continue_msg&) { body(i); });
      bool has_running_dep = false;
      for (size_t d : pipeline.nodes[i].deps) {
        if (nodes[d]) {
          tbb::flow::make_edge(*nodes[d], *nodes[i]);
          has_running_dep = true;
        }
      }
      if (!has_running_dep) tbb::flow::make_edge(start, *nodes[i]);
    }
    start.try_put(tbb::flow::continue_msg());
    graph.wait_for_all();
  });
  return results;
}

}  // namespace xstilts
