#include "graph/executor.h"

#include <tbb/flow_graph.h>
#include <tbb/global_control.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>

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

namespace {

// Nodes whose runner answered kBusy. Each waits out a delay that doubles with every busy answer
// (kFirstRetry up to kLastRetry), then a poller thread hands it back with `resume`. The poller
// sleeps while nothing is parked; while something is, it wakes at least every kCancelPoll to look
// at `cancel`. Once `cancel` is set, or after ResumeAll(), it resumes every parked node at once.
class ParkedNodes {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kFirstRetry{200}, kLastRetry{2000}, kCancelPoll{100};

  ParkedNodes(std::function<void(size_t)> resume, const std::atomic<bool>* cancel)
      : resume_(std::move(resume)), cancel_(cancel) {
    poller_ = std::thread([this] { Poll(); });
  }
  ParkedNodes(const ParkedNodes&) = delete;
  ParkedNodes& operator=(const ParkedNodes&) = delete;
  ~ParkedNodes() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      shutdown_ = true;
    }
    changed_.notify_all();
    poller_.join();
  }

  void Park(size_t node) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      const int busy = ++busy_answers_[node];
      const auto delay = std::min<Clock::duration>(kFirstRetry * (1 << std::min(busy - 1, 4)), kLastRetry);
      parked_.emplace_back(Clock::now() + delay, node);
    }
    changed_.notify_all();
  }

  // The run stopped: resume every node parked now or later without waiting out its delay.
  void ResumeAll() {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (resume_all_) return;
      resume_all_ = true;
    }
    changed_.notify_all();
  }

 private:
  void Poll() {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!shutdown_) {
      if (parked_.empty()) {
        changed_.wait(lock);
        continue;
      }
      const Clock::time_point now = Clock::now();
      const bool all = resume_all_ || (cancel_ != nullptr && cancel_->load());
      Clock::time_point next = now + kCancelPoll;
      std::vector<size_t> due;
      for (auto it = parked_.begin(); it != parked_.end();) {
        if (all || it->first <= now) {
          due.push_back(it->second);
          it = parked_.erase(it);
        } else {
          next = std::min(next, it->first);
          ++it;
        }
      }
      if (due.empty()) {
        changed_.wait_until(lock, next);
        continue;
      }
      lock.unlock();
      for (size_t node : due) resume_(node);
      lock.lock();
    }
  }

  const std::function<void(size_t)> resume_;
  const std::atomic<bool>* cancel_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<std::pair<Clock::time_point, size_t>> parked_;  // when to resume, node
  std::map<size_t, int> busy_answers_;                          // node -> kBusy answers so far
  bool resume_all_ = false;
  bool shutdown_ = false;
  std::thread poller_;  // last: starts once the members above exist
};

// What the attempts at the nodes of one Execute() share: results, resource tokens, the stop flag.
class NodeAttempts {
 public:
  NodeAttempts(const ResolvedPipeline& pipeline, const std::vector<bool>& run, NodeRunner& runner,
               const ExecuteOptions& options)
      : pipeline_(pipeline), runner_(runner), options_(options), pool_(options.threads, options.gpus),
        results_(pipeline.nodes.size()), told_waiting_(pipeline.nodes.size()) {
    for (size_t i = 0; i < results_.size(); ++i) {
      if (!run[i]) results_[i].outcome = NodeOutcome::kCached;
    }
  }

  // One attempt at node `i`: its final result, or nullopt when its runner answered kBusy (the
  // node's tokens are back in the pool then).
  std::optional<NodeResult> Attempt(size_t i) {
    if (std::string blocked = BlockedByInput(i); !blocked.empty()) return NodeResult{NodeOutcome::kSkipped, blocked, 0};
    if (options_.cancel && options_.cancel->load()) return NodeResult{NodeOutcome::kCancelled, kInterrupted, 0};
    if (stop_.load()) return NodeResult{NodeOutcome::kSkipped, "not started: the run stopped after a failure", 0};
    GrantedResources granted;
    if (!pool_.Acquire(pipeline_.nodes[i].resources, granted, options_.cancel, [&](const std::string& why) {
          if (!told_waiting_[i].exchange(true)) runner_.Waiting(i, why);
        })) {
      return NodeResult{NodeOutcome::kCancelled, kInterrupted, 0};
    }
    NodeResult result = runner_.Run(i, granted);
    pool_.Release(granted);
    if (result.outcome == NodeOutcome::kBusy) return std::nullopt;
    if (result.outcome == NodeOutcome::kFailed && !options_.keep_going) stop_ = true;
    return result;
  }

  void Record(size_t i, NodeResult result) {
    std::lock_guard<std::mutex> lock(results_mutex_);
    results_[i] = std::move(result);
  }
  bool stopped() const { return stop_.load(); }
  std::vector<NodeResult> TakeResults() {
    std::lock_guard<std::mutex> lock(results_mutex_);
    return std::move(results_);
  }

 private:
  static constexpr const char* kInterrupted = "not started: interrupted";

  // Why node i cannot run because of its inputs, or "" if it can.
  std::string BlockedByInput(size_t i) {
    std::lock_guard<std::mutex> lock(results_mutex_);
    for (size_t d : pipeline_.nodes[i].deps) {
      NodeOutcome o = results_[d].outcome;
      if (o == NodeOutcome::kFailed || o == NodeOutcome::kSkipped || o == NodeOutcome::kCancelled) {
        return "input '" + pipeline_.nodes[d].name + "' " + OutcomeName(o);
      }
    }
    return "";
  }

  const ResolvedPipeline& pipeline_;
  NodeRunner& runner_;
  const ExecuteOptions& options_;
  ResourcePool pool_;
  std::atomic<bool> stop_{false};  // a failure without keep_going
  std::mutex results_mutex_;
  std::vector<NodeResult> results_;
  std::vector<std::atomic<bool>> told_waiting_;  // runner_.Waiting() was called for the node
};

// The flow graph, built and waited for in the calling thread's task arena. A node's continue_node
// fires once all its running inputs finished; its `done` broadcast is put only when the node has
// its final result, so a parked node holds its successors back. A parked node holds a wait
// reservation on the graph until `retry` has it again, so wait_for_all() waits for it.
void RunFlowGraph(const ResolvedPipeline& pipeline, const std::vector<bool>& run, NodeAttempts& attempts,
                  const std::atomic<bool>* cancel) {
  using tbb::flow::continue_msg;
  const size_t n = pipeline.nodes.size();
  tbb::flow::graph graph;
  std::vector<std::unique_ptr<tbb::flow::broadcast_node<continue_msg>>> done(n);
  std::vector<std::unique_ptr<tbb::flow::continue_node<continue_msg>>> ready(n);
  std::function<void(size_t)> attempt;
  tbb::flow::function_node<size_t> retry(graph, tbb::flow::unlimited, [&attempt](size_t i) {
    attempt(i);
    return continue_msg();
  });
  ParkedNodes parked(
      [&](size_t i) {
        retry.try_put(i);      // a task of the graph now ...
        graph.release_wait();  // ... so the parked node's reservation can go
      },
      cancel);
  attempt = [&](size_t i) {
    std::optional<NodeResult> result = attempts.Attempt(i);
    if (!result) {
      graph.reserve_wait();
      return parked.Park(i);
    }
    attempts.Record(i, std::move(*result));
    if (attempts.stopped()) parked.ResumeAll();
    done[i]->try_put(continue_msg());
  };
  tbb::flow::broadcast_node<continue_msg> start(graph);
  for (size_t i = 0; i < n; ++i) {
    if (!run[i]) continue;
    done[i] = std::make_unique<tbb::flow::broadcast_node<continue_msg>>(graph);
    ready[i] = std::make_unique<tbb::flow::continue_node<continue_msg>>(graph, [&attempt, i](const continue_msg&) {
      attempt(i);
      return continue_msg();
    });
    bool has_running_dep = false;
    for (size_t d : pipeline.nodes[i].deps) {
      if (done[d]) {
        tbb::flow::make_edge(*done[d], *ready[i]);
        has_running_dep = true;
      }
    }
    if (!has_running_dep) tbb::flow::make_edge(start, *ready[i]);
  }
  start.try_put(continue_msg());
  graph.wait_for_all();
}

}  // namespace

std::vector<NodeResult> Execute(const ResolvedPipeline& pipeline, const std::vector<bool>& run,
                                NodeRunner& runner, const ExecuteOptions& options) {
  NodeAttempts attempts(pipeline, run, runner, options);
  // More jobs than cores is fine for nodes that wait on subprocesses; allow TBB that many workers.
  tbb::global_control parallelism(tbb::global_control::max_allowed_parallelism,
                                  static_cast<size_t>(std::max(1, options.jobs)));
  tbb::task_arena arena(std::max(1, options.jobs));
  arena.execute([&] { RunFlowGraph(pipeline, run, attempts, options.cancel); });
  return attempts.TakeResults();
}

}  // namespace xstilts
