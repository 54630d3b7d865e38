// The sbatch command line of one node's job: what the Slurm executor submits (docs/cluster.md).
//
// Resources map to sbatch options: threads -> --cpus-per-task, gpus -> --gres=gpu[:TYPE]:N (or
// --gpus=[TYPE:]N, per profile), memory -> --mem (MiB, rounded up), time -> --time (D-HH:MM:SS,
// rounded up to the minute as Slurm counts). Memory and time a node does not declare come from
// the profile's defaults for its type, else the cluster's. Every job is requeueable
// (--requeue) and gets a warning signal before its time runs out (--signal=B:USR1@SECONDS), so
// that `xstilts run-node` can checkpoint before a preemption or the end of its time. The job's
// name and comment carry the cache key, so that a restarted driver finds the jobs of its keys in
// one squeue call and adopts them instead of submitting again. Pure: no I/O.
#pragma once

#include <string>
#include <vector>

#include "cluster/slurm_profile.h"
#include "graph/node_type.h"

namespace xstilts {

struct JobRequest {
  std::string node;                  // the pipeline node, for people ("eval_xnli_xlmr")
  std::string node_type;             // its type: which of the profile's defaults apply
  std::string key;                   // its cache key (hex)
  Resources resources;               // as the pipeline declares them
  std::string log_path;              // the job's stdout and stderr (--output)
  std::string workdir;               // --chdir
  std::vector<std::string> command;  // what the job runs: xstilts run-node ...
};

// "xstilts-" + the key's first 16 hex digits: short enough for squeue's default columns.
std::string JobName(const std::string& key);

// argv of the sbatch call, "sbatch" first, ending in --wrap with the shell-quoted command.
std::vector<std::string> SbatchCommand(const SlurmProfile& profile, const JobRequest& job);

// `text` quoted for a POSIX shell: unchanged when it holds only safe characters, else in single
// quotes with each ' written as '\''.
std::string ShellQuote(const std::string& text);

}  // namespace xstilts
