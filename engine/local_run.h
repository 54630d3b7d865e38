// Running a plan's stale nodes on this machine: the oneTBB executor (graph/executor.h) over a
// CachingNodeRunner, with as many nodes at once as the settings allow and the machine's cores
// and GPUs as the resources nodes draw from. Then the pipeline's references are moved to the
// keys just built, for `status` and `explain`.
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

#include "engine/run_observer.h"
#include "engine/session.h"
#include "graph/executor.h"
#include "graph/plan.h"

namespace xstilts {

struct LocalRunSettings {
  int jobs = 0;                               // nodes at once; 0: one per core
  bool keep_going = false;                    // after a failure, go on with what does not depend on it
  const std::atomic<bool>* cancel = nullptr;  // set (e.g. by SIGINT) to stop: running nodes are told, no new ones start
};

// The GPUs this machine offers nodes: the /dev/nvidiaN devices, limited to $CUDA_VISIBLE_DEVICES
// when it is set ("" or "-1": none).
int DetectGpus();

// This machine's memory in bytes (0 if unknown).
int64_t PhysicalMemory();

// Every stale node whose resources this machine cannot meet (more GPUs or memory than it has),
// one line each: "node 'train' (p.yaml:12:3) needs 1 GPU; this machine has none". Empty when all
// fit. Threads are not a problem: a node asking for more cores than there are gets them all; nor
// is `time`, a limit for cluster schedulers.
std::vector<std::string> UnmetResources(const ResolvedPipeline& pipeline, const Plan& plan, int gpus,
                                        int64_t memory_bytes);

// Runs every node the plan marks stale; returns one result per pipeline node.
std::vector<NodeResult> RunLocally(Session& session, const Plan& plan, RunObserver& observer,
                                   const LocalRunSettings& settings);

// Records, for every selected node that ran or was found cached, its key as the pipeline's latest.
// Fails (kIo) when the references cannot be written; the artifacts themselves are safe then.
Status RecordBuiltKeys(Session& session, const Plan& plan, const std::vector<NodeResult>& results);

}  // namespace xstilts
