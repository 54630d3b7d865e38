// RunOnSlurm: `xstilts run --executor slurm` (docs/cluster.md). The driver runs where the user
// typed the command (a login node) and uses Slurm itself as the engine: every stale node whose
// inputs are cached is submitted as one job (cluster/sbatch_command.h) that runs `xstilts
// run-node` (cluster/run_node.h) on the node's spec, at most `jobs` in flight; no dependency
// chains (afterok), so a failed parent never leaves children pending forever.
//
// Completion is decided by the cache entry, failure by the attempt run-node recorded or by the job
// leaving the queue without either; state comes from one squeue call per poll for all the run's
// jobs, with backoff while nothing changes, and never from sacct. A node whose key another
// process is building (its key locked, or its claim held by another driver) is waited on while
// other ready nodes go on. A driver started again after being killed adopts the jobs still queued
// for its keys (by the key in their comment) instead of submitting them twice. On `cancel`
// (Ctrl-C, SIGTERM) every job it submitted or adopted is cancelled. After a failure without
// `keep_going`, jobs still pending are cancelled and running ones finish.
//
// Progress: job states (pending with the reason, running on which host) go to `display` as waiting
// and started nodes; the jobs' own progress and log lines are read from the run log they append
// to. Single-threaded: one loop, waking every 250 ms.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "cluster/slurm_client.h"
#include "cluster/slurm_profile.h"
#include "engine/run_observer.h"
#include "engine/session.h"
#include "graph/executor.h"
#include "graph/plan.h"

namespace xstilts {

struct SlurmRunSettings {
  SlurmProfile profile;
  int jobs = 0;                               // jobs in flight at most; 0: the profile's
  bool keep_going = false;
  const std::atomic<bool>* cancel = nullptr;
  std::string xstilts;                        // the program the jobs run (absolute path)
  PipelineOptions pipeline;                   // the pipeline, --set and remote options, for the specs
  std::vector<std::string> force;             // --force: passed on to the jobs of these nodes
  std::string run_log;                        // the run log the jobs append to (absolute path)
};

struct SlurmRunStats {
  SlurmCalls calls;
  int submitted = 0;
  int adopted = 0;
  double queue_wait_seconds = 0;  // summed over the nodes that ran, from their records
  double compute_seconds = 0;     // their run time, likewise
};

// Runs every node the plan marks stale as a Slurm job; one result per pipeline node, as
// RunLocally gives. `log` (may be null) receives the driver's own events: jobs submitted, adopted,
// cancelled, and the end of nodes whose job could not say (killed, never started).
std::vector<NodeResult> RunOnSlurm(Session& session, const Plan& plan, RunObserver& display, JsonRunLog* log,
                                   const SlurmRunSettings& settings, SlurmRunStats& stats);

}  // namespace xstilts
