#include "engine/local_run.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <thread>

#include "base/byte_sizes.h"
#include "engine/node_runner.h"

namespace xstilts {

int DetectGpus() {
  int n = 0;
  while (access(("/dev/nvidia" + std::to_string(n)).c_str(), F_OK) == 0) ++n;
  if (const char* visible = std::getenv("CUDA_VISIBLE_DEVICES")) {
    const std::string list = visible;
    if (list.empty() || list == "-1") return 0;
    const int listed = static_cast<int>(std::count(list.begin(), list.end(), ',')) + 1;
    n = std::min(n, listed);
  }
  return n;
}

int64_t PhysicalMemory() {
  const long pages = sysconf(_SC_PHYS_PAGES), page = sysconf(_SC_PAGE_SIZE);
  return pages > 0 && page > 0 ? static_cast<int64_t>(pages) * page : 0;
}

std::vector<std::string> UnmetResources(const ResolvedPipeline& pipeline, const Plan& plan, int gpus,
                                        int64_t memory_bytes) {
  std::vector<std::string> problems;
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const ResolvedNode& node = pipeline.nodes[i];
    if (plan.nodes[i].state != NodeState::kStale) continue;
    const int want = node.resources.gpus;
    if (want > gpus) {
      problems.push_back(node.Describe() + " needs " + std::to_string(want) + (want == 1 ? " GPU" : " GPUs") +
                         "; this machine has " + (gpus == 0 ? std::string("none") : std::to_string(gpus)) +
                         " (/dev/nvidia*, $CUDA_VISIBLE_DEVICES)");
    }
    if (memory_bytes > 0 && node.resources.memory_bytes > memory_bytes) {
      problems.push_back(node.Describe() + " needs " + FormatBytes(node.resources.memory_bytes) +
                         " of memory; this machine has " + FormatBytes(memory_bytes));
    }
  }
  return problems;
}

std::vector<NodeResult> RunLocally(Session& session, const Plan& plan, RunObserver& observer,
                                   const LocalRunSettings& settings) {
  const ResolvedPipeline& pipeline = session.pipeline;
  std::vector<bool> to_run(pipeline.nodes.size());
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) to_run[i] = plan.nodes[i].state == NodeState::kStale;
  CachingNodeRunner runner(pipeline, plan, *session.store, observer, settings.cancel, session.remote.get());
  ExecuteOptions exec;
  const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  exec.jobs = settings.jobs > 0 ? settings.jobs : cores;
  exec.threads = cores;
  exec.gpus = DetectGpus();
  exec.keep_going = settings.keep_going;
  exec.cancel = settings.cancel;
  return Execute(pipeline, to_run, runner, exec);
}

Status RecordBuiltKeys(Session& session, const Plan& plan, const std::vector<NodeResult>& results) {
  const ResolvedPipeline& pipeline = session.pipeline;
  std::map<std::string, std::string>& refs = session.index->refs();
  bool changed = false;
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const NodeOutcome o = results[i].outcome;
    const bool built =
        o == NodeOutcome::kRan || (o == NodeOutcome::kCached && plan.nodes[i].state != NodeState::kNotSelected);
    if (built && refs[pipeline.nodes[i].name] != plan.nodes[i].key) {
      refs[pipeline.nodes[i].name] = plan.nodes[i].key;
      changed = true;
    }
  }
  return changed ? session.store->WriteRefs(session.pipeline_id, refs) : Status::Ok();
}

}  // namespace xstilts
