// `xstilts run-node SPEC`: what one Slurm job runs (docs/cluster.md). It reads the node's spec
// that the driver wrote into the cache (cluster/node_job.h), loads and plans the pipeline as the
// driver did, checks that the node's key is still the one the driver planned and that its inputs
// are cached, and runs that one node exactly as a local run does (engine/node_runner.h): the key's
// lock, the body in a temp folder, an atomic publish, the cost record, events in the run log.
// The record gains "slurm": the job id, host, restarts and queue wait (its "seconds" are the run
// time, as for every node).
//
// Signals: SIGTERM or SIGINT (scancel, preemption, `scontrol requeue`) and SIGUSR1 (the warning
// before the job's time runs out, sbatch --signal) stop the body, which keeps its resume
// checkpoint (training nodes); after SIGUSR1 the job requeues itself, so it resumes from there.
// A key another process is building is left to it (outcome busy). Every attempt's outcome goes
// to jobs/<key>/attempt-<job id>.json. Exit status: 0 ran, cached or busy; 1 failed; 2 a spec
// that cannot be read; 130 interrupted.
#pragma once

#include <atomic>
#include <string>

namespace xstilts {

struct RunNodeSignals {
  const std::atomic<bool>* stop = nullptr;          // set by any of the signals above
  const std::atomic<bool>* time_warning = nullptr;  // set by SIGUSR1 only
};

int RunNodeCommand(const std::string& spec_path, const RunNodeSignals& signals);

}  // namespace xstilts
