// Scheduling overhead of the executor per node: a TBB flow graph over N no-op nodes arranged as
// the benchmark grid (layers of 100, two inputs each), with resource tokens, and a runner that
// does nothing. What is left is xstilts' own cost per node.
#include <benchmark/benchmark.h>

#include <string>

#include "graph/executor.h"
#include "graph/registry.h"

namespace xstilts {
namespace {

class NoopRunner : public NodeRunner {
 public:
  NodeResult Run(size_t, const GrantedResources&) override { return NodeResult{NodeOutcome::kRan, "", 0}; }
};

NodeRegistry& Registry() {
  static NodeRegistry* registry = [] {
    auto* r = new NodeRegistry();
    NodeType t;
    t.name = "noop";
    t.inputs = {PortSpec{"in", "x", "", true, true}};
    t.outputs = {PortSpec{"out", "x", ""}};
    t.run = [](NodeContext&) {};
    r->Add(t);
    return r;
  }();
  return *registry;
}

ResolvedPipeline Grid(size_t n, size_t width) {
  ResolvedPipeline p;
  for (size_t i = 0; i < n; ++i) {
    ResolvedNode node;
    node.name = "n" + std::to_string(i);
    node.type = Registry().Find("noop");
    if (i >= width) {
      size_t layer = i / width, j = i % width;
      size_t a = (layer - 1) * width + j, b = (layer - 1) * width + (j + 1) % width;
      node.deps = {std::min(a, b), std::max(a, b)};
      node.inputs = {ResolvedInput{"in", {InputRef{a, "out"}, InputRef{b, "out"}}}};
    }
    p.nodes.push_back(node);
  }
  return p;
}

void BM_ExecuteNoopNodes(benchmark::State& state) {
  size_t n = static_cast<size_t>(state.range(0));
  ResolvedPipeline pipeline = Grid(n, 100);
  NoopRunner runner;
  ExecuteOptions options;
  options.jobs = 2;
  options.threads = 2;
  std::vector<bool> run(n, true);
  for (auto _ : state) benchmark::DoNotOptimize(Execute(pipeline, run, runner, options));
  // Time per node = 1 / nodes_per_second.
  state.counters["nodes_per_second"] =
      benchmark::Counter(static_cast<double>(n), benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_ExecuteNoopNodes)->Arg(100)->Arg(1000)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace xstilts

BENCHMARK_MAIN();
