// The files through which the Slurm driver and a job's `xstilts run-node` talk, in the shared cache
// (docs/cluster.md), one folder per cache key (ArtifactStore::JobDir, removed with the entry):
//   jobs/<key>/spec.json             what to run: pipeline file, its --set overrides, node, key,
//                                    when the driver submitted it; written by the driver
//   jobs/<key>/slurm-<job id>.log    the job's stdout and stderr (sbatch --output, appended to by
//                                    a requeued job)
//   jobs/<key>/attempt-<job id>.json how the job's latest attempt ended, written by run-node
//   jobs/<key>/claim.lock            flock held by the driver whose job for the key is queued or
//                                    running: another driver waits for it instead of submitting
// Completion is never read from here: a node is done when its cache entry is (content addressed,
// so an earlier attempt's leftovers can never be taken for this one). The attempt file only says
// why a job ended without an entry. Both JSON files are replaced atomically (rename), so a reader
// sees a whole file or the previous one.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace xstilts {

struct NodeJobSpec {
  std::string pipeline;           // absolute path of the pipeline file
  std::vector<std::string> set;   // its --set overrides
  std::string cache;              // absolute path of the cache
  std::string node;               // the node to run
  std::string key;                // its cache key as the driver planned it
  bool force = false;             // --force: build it even if cached
  std::string remote;             // --remote URL, "" for none
  bool remote_read_only = false;  // --remote-read-only
  std::string remote_ca;          // --remote-ca FILE
  std::string run_log;            // where run-node appends its events (the driver follows them)
  double submitted_at = 0;        // unix time of the sbatch call (for the queue wait)
};

// How an attempt of a job ended. kBusy: another process held the key's lock (the driver waits for
// it); kInterrupted: stopped by a signal (preemption, requeue, time limit, scancel).
enum class AttemptOutcome { kRan, kCached, kBusy, kFailed, kInterrupted };
const char* AttemptOutcomeName(AttemptOutcome outcome);  // "ran", "cached", "busy", "failed", "interrupted"

struct AttemptRecord {
  AttemptOutcome outcome = AttemptOutcome::kFailed;
  std::string message;  // why it failed
  std::string host;
  int restarts = 0;     // $SLURM_RESTART_COUNT: how often the job was requeued before this attempt
};

// The files in one key's folder, `job_dir` = ArtifactStore::JobDir(key).
std::filesystem::path NodeJobSpecPath(const std::filesystem::path& job_dir);
// sbatch's --output pattern (%j: the job id) and the file it names for `job_id`.
std::filesystem::path NodeJobLogPattern(const std::filesystem::path& job_dir);
std::filesystem::path NodeJobLog(const std::filesystem::path& job_dir, const std::string& job_id);
std::filesystem::path NodeJobClaimPath(const std::filesystem::path& job_dir);
std::filesystem::path AttemptPath(const std::filesystem::path& job_dir, const std::string& job_id);

Status WriteNodeJobSpec(const std::filesystem::path& path, const NodeJobSpec& spec);
// kNotFound when missing; kCorrupt (naming the file) when it is not a spec.
Result<NodeJobSpec> ReadNodeJobSpec(const std::filesystem::path& path);

Status WriteAttempt(const std::filesystem::path& path, const AttemptRecord& attempt);
// nullopt when there is none (the job has not ended an attempt) or it cannot be parsed.
std::optional<AttemptRecord> ReadAttempt(const std::filesystem::path& path);

}  // namespace xstilts
