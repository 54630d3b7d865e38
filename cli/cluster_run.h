// The Slurm half of `xstilts run`: the profile found and read, `sbatch` looked for, the plan run
// by the Slurm driver (cluster/slurm_driver.h), and the line the run summary adds.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cluster/slurm_driver.h"
#include "engine/run_observer.h"

namespace xstilts {

// The profile `run --executor slurm` uses (--profile, else $XSTILTS_PROFILE, else the per-user
// file, else the built-in defaults); nullopt after printing why it cannot be used (exit code 2 in
// `exit_code`), or when no `sbatch` can be run here (kExitEnvironment).
std::optional<SlurmProfile> LoadClusterProfile(const RunOptions& options, int& exit_code);

// Runs the plan's stale nodes as Slurm jobs; one result per node.
std::vector<NodeResult> RunOnCluster(Session& session, const Plan& plan, const RunOptions& options,
                                     const SlurmProfile& profile, RunObserver& display, JsonRunLog* log,
                                     const std::string& log_path, const std::atomic<bool>* cancel,
                                     SlurmRunStats& stats);

// " (Slurm: 12 jobs, 1 adopted; summed over them, queue wait 3m05s and compute 1h02m; 40 squeue
// calls)".
std::string ClusterSummary(const SlurmRunStats& stats);

}  // namespace xstilts
