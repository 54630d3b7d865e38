#include "graph/executor.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "tests/graph/test_registry.h"

namespace xstilts {
namespace {

ResolvedPipeline Load(const std::string& text) {
  Diagnostics diagnostics;
  auto spec = ParsePipeline(text, "p.yaml", {}, diagnostics);
  std::optional<ResolvedPipeline> pipeline;
  if (spec) pipeline = Resolve(*spec, testing::TestRegistry(), diagnostics);
  EXPECT_TRUE(pipeline) << diagnostics.Render();
  return pipeline ? *pipeline : ResolvedPipeline();
}

// Sleeps a little per node, fails the nodes named in `fail`, and records concurrency.
class FakeRunner : public NodeRunner {
 public:
  explicit FakeRunner(const ResolvedPipeline& p) : pipeline(p) {}
  NodeResult Run(size_t node, const GrantedResources& granted) override {
    const std::string& name = pipeline.nodes[node].name;
    {
      std::lock_guard<std::mutex> lock(mutex);
      if (busy[name] > 0) {
        --busy[name];
        ++busy_answers[name];
        events.push_back(name + " busy");
        if (on_busy) on_busy(name);
        return NodeResult{NodeOutcome::kBusy, "another process is building the same key", 0};
      }
    }
    if (before_run) before_run(name);
    {
      std::lock_guard<std::mutex> lock(mutex);
      events.push_back(name + " started");
      running_threads += granted.threads;
      max_threads = std::max(max_threads, running_threads);
      ++running_nodes;
      max_nodes = std::max(max_nodes, running_nodes);
      order.push_back(pipeline.nodes[node].name);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    std::lock_guard<std::mutex> lock(mutex);
    running_threads -= granted.threads;
    --running_nodes;
    events.push_back(name + " finished");
    if (fail.count(name)) return NodeResult{NodeOutcome::kFailed, "boom", 0.03};
    return NodeResult{NodeOutcome::kRan, "", 0.03};
  }
  // Index of `event` in events, or events.size().
  size_t EventIndex(const std::string& event) {
    std::lock_guard<std::mutex> lock(mutex);
    return std::find(events.begin(), events.end(), event) - events.begin();
  }
  const ResolvedPipeline& pipeline;
  std::mutex mutex;
  int running_threads = 0, max_threads = 0, running_nodes = 0, max_nodes = 0;
  std::vector<std::string> order;
  std::vector<std::string> events;  // "<node> busy", "<node> started", "<node> finished"
  std::set<std::string> fail;
  std::map<std::string, int> busy;          // node -> how many more attempts answer kBusy
  std::map<std::string, int> busy_answers;  // node -> kBusy answers given
  std::function<void(const std::string&)> on_busy;     // under `mutex`
  std::function<void(const std::string&)> before_run;  // not under `mutex`
};

const char kWide[] = R"(
nodes:
  src_${i}:
    type: source
    foreach: {i: [a, b, c, d, e, f]}
    params: {path: "${i}"}
  model_${i}:
    type: train
    foreach: {i: [a, b, c, d, e, f]}
    inputs: {data: "src_${i}"}
)";

TEST(Executor, RunsIndependentNodesInParallelWithinTheJobLimit) {
  ResolvedPipeline p = Load(kWide);
  FakeRunner runner(p);
  ExecuteOptions options;
  options.jobs = 3;
  options.threads = 8;
  std::vector<NodeResult> results = Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
  for (const NodeResult& r : results) EXPECT_EQ(r.outcome, NodeOutcome::kRan);
  EXPECT_GE(runner.max_nodes, 2);
  EXPECT_LE(runner.max_nodes, 3);
  // Every model ran after its source.
  for (char c : std::string("abcdef")) {
    auto pos = [&](const std::string& n) { return std::find(runner.order.begin(), runner.order.end(), n) - runner.order.begin(); };
    EXPECT_LT(pos(std::string("src_") + c), pos(std::string("model_") + c));
  }
}

TEST(Executor, ThreadTokensAreNeverOversubscribed) {
  ResolvedPipeline p = Load(kWide);  // train nodes want 2 threads each
  FakeRunner runner(p);
  ExecuteOptions options;
  options.jobs = 6;
  options.threads = 3;
  Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
  EXPECT_LE(runner.max_threads, 3);
}

TEST(Executor, FailureSkipsDescendantsAndStopsUnlessKeepGoing) {
  const char* text = R"(
nodes:
  a: {type: source, params: {path: a}}
  b: {type: source, params: {path: b}}
  ma: {type: train, inputs: {data: a}}
  mb: {type: train, inputs: {data: b}}
  e: {type: evaluate, inputs: {model: ma, data: b}}
)";
  ResolvedPipeline p = Load(text);
  {
    FakeRunner runner(p);
    runner.fail = {"ma"};
    ExecuteOptions options;
    options.jobs = 1;
    options.threads = 2;
    options.keep_going = true;
    auto r = Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
    EXPECT_EQ(r[*p.Find("ma")].outcome, NodeOutcome::kFailed);
    EXPECT_EQ(r[*p.Find("e")].outcome, NodeOutcome::kSkipped);
    EXPECT_EQ(r[*p.Find("e")].message, "input 'ma' failed");
    EXPECT_EQ(r[*p.Find("mb")].outcome, NodeOutcome::kRan);
  }
  {
    FakeRunner runner(p);
    runner.fail = {"a"};
    ExecuteOptions options;
    options.jobs = 1;
    options.threads = 2;
    auto r = Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
    EXPECT_EQ(r[*p.Find("a")].outcome, NodeOutcome::kFailed);
    // Without keep_going nothing starts after the failure; with one job nothing runs beside it.
    ASSERT_FALSE(runner.order.empty());
    EXPECT_EQ(runner.order.back(), "a");
    size_t skipped = 0;
    for (const NodeResult& result : r) skipped += result.outcome == NodeOutcome::kSkipped;
    EXPECT_EQ(skipped, p.nodes.size() - runner.order.size());
  }
}

TEST(Executor, NodesNotToRunCountAsCachedAndCancelStopsTheRest) {
  ResolvedPipeline p = Load(kWide);
  FakeRunner runner(p);
  std::vector<bool> run(p.nodes.size(), false);
  run[*p.Find("model_a")] = true;
  std::atomic<bool> cancel{true};
  ExecuteOptions options;
  options.cancel = &cancel;
  auto r = Execute(p, run, runner, options);
  EXPECT_EQ(r[*p.Find("src_a")].outcome, NodeOutcome::kCached);
  EXPECT_EQ(r[*p.Find("model_a")].outcome, NodeOutcome::kCancelled);
  EXPECT_TRUE(runner.order.empty());
}

// `locked` is a node whose key another process holds: its runner answers kBusy twice.
const char kLocked[] = R"(
nodes:
  locked: {type: source, params: {path: locked}}
  free: {type: source, params: {path: free}}
  after: {type: train, inputs: {data: locked}}
)";

bool Final(NodeOutcome outcome) { return outcome != NodeOutcome::kBusy; }

TEST(Executor, BusyNodeIsParkedWhileOtherReadyNodesRunThenRetried) {
  ResolvedPipeline p = Load(kLocked);
  FakeRunner runner(p);
  runner.busy = {{"locked", 2}};
  // With one job, `free` can only run while `locked` is parked if the parked node gave back the
  // slot. Hold `free` back until `locked` was busy once, however the executor orders the roots:
  // `free` answers busy itself until then.
  runner.on_busy = [&](const std::string& name) {
    if (name == "locked" && runner.busy_answers["locked"] == 1) runner.busy["free"] = 0;
  };
  runner.busy["free"] = 1000;
  ExecuteOptions options;
  options.jobs = 1;
  options.threads = 2;
  auto started = std::chrono::steady_clock::now();
  auto r = Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  for (const NodeResult& result : r) EXPECT_TRUE(Final(result.outcome)) << OutcomeName(result.outcome);
  EXPECT_EQ(r[*p.Find("locked")].outcome, NodeOutcome::kRan);
  EXPECT_EQ(r[*p.Find("free")].outcome, NodeOutcome::kRan);
  EXPECT_EQ(r[*p.Find("after")].outcome, NodeOutcome::kRan);
  EXPECT_EQ(runner.busy_answers["locked"], 2);
  // `free` ran from start to end between the first busy answer of `locked` and its real run.
  EXPECT_LT(runner.EventIndex("locked busy"), runner.EventIndex("free started"));
  EXPECT_LT(runner.EventIndex("free finished"), runner.EventIndex("locked started"));
  EXPECT_LT(runner.EventIndex("locked finished"), runner.EventIndex("after started"));
  EXPECT_EQ(runner.order, (std::vector<std::string>{"free", "locked", "after"}));
  EXPECT_GE(seconds, 0.5);  // 0.2 s, then 0.4 s, parked
  EXPECT_LT(seconds, 5.0);
}

TEST(Executor, CancelFinishesAParkedNodeAsCancelledPromptly) {
  ResolvedPipeline p = Load(kLocked);
  FakeRunner runner(p);
  runner.busy = {{"locked", 1000}};
  std::atomic<bool> cancel{false};
  runner.on_busy = [&](const std::string&) { cancel = true; };
  ExecuteOptions options;
  options.jobs = 1;
  options.threads = 2;
  options.cancel = &cancel;
  std::vector<bool> run(p.nodes.size(), true);
  run[*p.Find("free")] = false;
  auto started = std::chrono::steady_clock::now();
  auto r = Execute(p, run, runner, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r[*p.Find("locked")].outcome, NodeOutcome::kCancelled);
  EXPECT_EQ(r[*p.Find("locked")].message, "not started: interrupted");
  EXPECT_EQ(r[*p.Find("after")].outcome, NodeOutcome::kSkipped);
  EXPECT_EQ(runner.busy_answers["locked"], 1);
  EXPECT_TRUE(runner.order.empty());
  EXPECT_LT(seconds, 1.0);  // the cancel is seen within 0.1 s, not after the node's retry delays
}

TEST(Executor, FailureWithoutKeepGoingSkipsAParkedNode) {
  ResolvedPipeline p = Load(kLocked);
  FakeRunner runner(p);
  runner.busy = {{"locked", 1000}};
  runner.fail = {"free"};
  // `free` fails only once `locked` is parked (two jobs: `free` may start first and wait).
  std::condition_variable parked;
  runner.on_busy = [&](const std::string&) { parked.notify_all(); };
  runner.before_run = [&](const std::string&) {
    std::unique_lock<std::mutex> lock(runner.mutex);
    parked.wait_for(lock, std::chrono::seconds(10), [&] { return runner.busy_answers["locked"] > 0; });
  };
  ExecuteOptions options;
  options.jobs = 2;
  options.threads = 4;
  auto started = std::chrono::steady_clock::now();
  auto r = Execute(p, std::vector<bool>(p.nodes.size(), true), runner, options);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_EQ(r[*p.Find("free")].outcome, NodeOutcome::kFailed);
  EXPECT_EQ(r[*p.Find("locked")].outcome, NodeOutcome::kSkipped);
  EXPECT_EQ(r[*p.Find("locked")].message, "not started: the run stopped after a failure");
  EXPECT_EQ(r[*p.Find("after")].outcome, NodeOutcome::kSkipped);
  EXPECT_EQ(runner.busy_answers["locked"], 1);
  EXPECT_LT(seconds, 1.0);  // resumed at once, not after the node's retry delay
}

}  // namespace
}  // namespace xstilts
