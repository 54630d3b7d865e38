// SlurmProfile: how `xstilts run --executor slurm` talks to one cluster (docs/cluster.md). It is
// never part of a cache key and never read from the pipeline file: the same pipeline runs locally
// and on any cluster with the same keys.
//
// A profile is a YAML map; every key is optional:
//   partition: gpu                  sbatch --partition
//   account: nlp-lab                --account
//   qos: normal                     --qos
//   constraint: "a100|h100"         --constraint
//   sbatch_args: [--exclusive]      appended to every sbatch call as given
//   gpu_option: gres                gres: --gres=gpu[:TYPE]:N (default); gpus: --gpus=[TYPE:]N
//   gpu_type: a100                  the TYPE above; empty = any GPU
//   jobs: 100                       jobs in flight at most (`--jobs` overrides)
//   poll_interval: 10s              between two squeue calls, at least 1s
//   max_poll_interval: 2m           the backoff's ceiling while nothing changes
//   warning_time: 5m                a requeued job's warning signal comes this long before its end
//   defaults:                       memory and time of the nodes that declare none, by node type
//     train: {memory: 32G, time: 12h}
//     "*": {memory: 4G, time: 1h}   every other type
//
// Which file: `--profile FILE`, else $XSTILTS_PROFILE, else ~/.config/xstilts/slurm.yaml when it
// exists, else none (the built-in defaults below: the cluster's default partition and account).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "graph/diagnostics.h"
#include "graph/node_type.h"

namespace xstilts {

enum class GpuOption { kGres, kGpus };

struct SlurmProfile {
  std::string file;  // where it was read from; "" for the built-in defaults
  std::string partition;
  std::string account;
  std::string qos;
  std::string constraint;
  std::vector<std::string> sbatch_args;
  GpuOption gpu_option = GpuOption::kGres;
  std::string gpu_type;
  int jobs = 100;
  int64_t poll_seconds = 10;
  int64_t max_poll_seconds = 120;
  int64_t warning_seconds = 300;
  // node type (or "*") -> memory and time for nodes that declare none (0: the cluster's default).
  std::map<std::string, Resources> defaults;

  // `declared` with memory and time filled from the defaults of `node_type` (then "*") where it
  // declares none.
  Resources WithDefaults(const std::string& node_type, Resources declared) const;
};

// The profile in `text` (named `file` in locations). Every problem goes to `diagnostics` with its
// file:line:col (unknown keys with a did-you-mean, sizes, durations, counts); nullopt then.
std::optional<SlurmProfile> ParseSlurmProfile(const std::string& text, const std::string& file,
                                              Diagnostics& diagnostics);

// The profile file to use: `flag` when given, else `env` when set and not empty, else
// <home>/.config/xstilts/slurm.yaml when it exists; "" when none applies.
std::string FindSlurmProfile(const std::string& flag, const char* env, const std::string& home);

}  // namespace xstilts
