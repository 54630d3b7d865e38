// SlurmClient: the Slurm commands the driver calls (sbatch, squeue, scancel), run as subprocesses
// with a timeout. Never sacct: many clusters (and the tests' cluster) have no accounting database.
//
// One squeue call lists all of this user's jobs, however many the run has in flight: the
// controller sees one query per poll, never one per job. A call that fails (the controller busy
// or restarting, a timeout) is retried with backoff (1 s, 2 s, 4 s) and each failure is reported
// through `warn`; only when every try failed does the caller see the error. Counts its calls, for
// the run summary and the benchmarks. Not thread-safe: the driver calls it from one thread.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "base/status.h"

namespace xstilts {

// One job as squeue shows it.
struct QueuedJob {
  std::string id;
  std::string state;    // PENDING, RUNNING, COMPLETING, REQUEUED, ...
  std::string reason;   // why it pends ("Resources", "Priority", "None")
  std::string host;     // where it runs ("" while pending)
  std::string name;     // the job name (xstilts-<key prefix>)
  std::string comment;  // "xstilts <key> <node>" for the driver's jobs
};

struct SlurmCalls {
  int sbatch = 0, squeue = 0, scancel = 0, failed = 0;
};

class SlurmClient {
 public:
  // `scratch`: a folder for the commands' output files. `cancel`: stops the retries' waits.
  SlurmClient(std::filesystem::path scratch, std::function<void(const std::string&)> warn,
              const std::atomic<bool>* cancel);

  // Submits with `sbatch_argv` (SbatchCommand: --parsable); the job id.
  Result<std::string> Submit(const std::vector<std::string>& sbatch_argv);
  // This user's jobs still in the queue (pending, running, completing, requeued), by id.
  Result<std::map<std::string, QueuedJob>> Queue();
  // Cancels the jobs (one scancel call for all of them).
  Status Cancel(const std::vector<std::string>& job_ids);

  const SlurmCalls& calls() const { return calls_; }

 private:
  // Runs argv (retrying as above); its stdout.
  Result<std::string> Call(const std::vector<std::string>& argv, int& counter);

  std::filesystem::path scratch_;
  std::function<void(const std::string&)> warn_;
  const std::atomic<bool>* cancel_;
  SlurmCalls calls_;
};

// squeue's output in the format Queue asks for (fields separated by '|', one job a line).
std::map<std::string, QueuedJob> ParseQueue(const std::string& text);

}  // namespace xstilts
