#include "graph/executor.h"

#include <gtest/gtest.h>

#include <chrono>
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
    {
      std::lock_guard<std::mutex> lock(mutex);
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
    if (fail.count(pipeline.nodes[node].name)) return NodeResult{NodeOutcome::kFailed, "boom", 0.03};
    return NodeResult{NodeOutcome::kRan, "", 0.03};
  }
  const ResolvedPipeline& pipeline;
  std::mutex mutex;
  int running_threads = 0, max_threads = 0, running_nodes = 0, max_nodes = 0;
  std::vector<std::string> order;
  std::set<std::string> fail;
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

}  // namespace
}  // namespace xstilts
