#include "cluster/run_node.h"

#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <optional>
#include <sstream>

#include "base/messages.h"
#include "base/this_process.h"
#include "cluster/node_job.h"
#include "engine/node_runner.h"
#include "engine/run_observer.h"
#include "engine/session.h"
#include "nodes/subprocess.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// A job ends its time at most this often by requeueing itself (each time from its checkpoint).
constexpr int kMaxTimeRequeues = 3;

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value ? value : "";
}

// What Slurm granted the job: its CPUs and GPUs (CUDA_VISIBLE_DEVICES, as gres sets it).
GrantedResources Granted(const Resources& declared) {
  GrantedResources granted;
  granted.threads = std::max(1, declared.threads);
  if (const int cpus = std::atoi(Env("SLURM_CPUS_PER_TASK").c_str()); cpus > 0) granted.threads = cpus;
  granted.gpus = declared.gpus;
  std::stringstream visible(Env("CUDA_VISIBLE_DEVICES"));
  for (std::string id; std::getline(visible, id, ',');) {
    if (!id.empty() && id.find_first_not_of("0123456789") == std::string::npos) granted.gpu_ids.push_back(std::stoi(id));
  }
  return granted;
}

// Prints what the node says to the job's log (stderr), for the person reading it later.
class JobLogObserver : public RunObserver {
 public:
  void NodeLog(const std::string& node, const std::string& line) override { std::fprintf(stderr, "%s\n", line.c_str()); }
  void Note(const std::string& text) override { std::fprintf(stderr, "%s\n", text.c_str()); }
};

// Plans the spec's node; the node's index, or an attempt record saying why it cannot run.
std::optional<size_t> NodeToRun(Session& session, const NodeJobSpec& spec, std::optional<Plan>& plan,
                                AttemptRecord& attempt) {
  attempt.outcome = AttemptOutcome::kFailed;
  const std::optional<size_t> index = session.pipeline.Find(spec.node);
  if (!index) {
    attempt.message = "the pipeline " + spec.pipeline + " has no node '" + spec.node + "' any more";
    return std::nullopt;
  }
  PlanOptions options;
  options.only = {spec.node};
  if (spec.force) options.force = {spec.node};
  int exit_code = 0;
  plan = PlanSession(session, options, exit_code);
  if (!plan) {
    attempt.message = "planning failed (the errors are above in this log)";
    return std::nullopt;
  }
  const NodePlan& node = plan->nodes[*index];
  if (node.key != spec.key) {
    attempt.message = "its key is now " + node.key.substr(0, 12) + "..., the run planned " + spec.key.substr(0, 12) +
                      "...: the pipeline or its inputs changed since; run again";
    return std::nullopt;
  }
  for (size_t d : session.pipeline.nodes[*index].deps) {
    if (plan->nodes[d].state != NodeState::kCached) {
      attempt.message = "its input '" + session.pipeline.nodes[d].name + "' is not in the cache";
      return std::nullopt;
    }
  }
  return index;
}

AttemptOutcome OutcomeOf(NodeOutcome outcome) {
  switch (outcome) {
    case NodeOutcome::kRan: return AttemptOutcome::kRan;
    case NodeOutcome::kCached: return AttemptOutcome::kCached;
    case NodeOutcome::kBusy: return AttemptOutcome::kBusy;
    case NodeOutcome::kCancelled: return AttemptOutcome::kInterrupted;
    default: return AttemptOutcome::kFailed;
  }
}

// After the warning before the time limit: the job goes back to the queue and resumes.
void RequeueItself(const std::string& job_id, AttemptRecord& attempt) {
  if (job_id.empty() || attempt.restarts >= kMaxTimeRequeues) {
    attempt.message = "its time ran out" + std::string(job_id.empty() ? "" : " after " +
                      std::to_string(attempt.restarts) + " requeues") + "; raise the node's `time`";
    attempt.outcome = AttemptOutcome::kFailed;
    return;
  }
  SubprocessOptions requeue;
  requeue.argv = {"scontrol", "requeue", job_id};
  requeue.stdout_path = "/dev/null";
  requeue.stderr_path = "/dev/null";
  requeue.timeout_seconds = 60;
  try {
    const SubprocessResult result = RunSubprocess(requeue);
    attempt.message = result.exit_code == 0 ? "its time was running out: requeued to resume from its checkpoint"
                                            : "its time ran out and `scontrol requeue` failed";
  } catch (const std::exception& e) {
    attempt.message = std::string("its time ran out and `scontrol requeue` failed: ") + e.what();
  }
}

}  // namespace

int RunNodeCommand(const std::string& spec_path, const RunNodeSignals& signals) {
  Result<NodeJobSpec> read = ReadNodeJobSpec(spec_path);
  if (!read.ok()) {
    PrintError(read.status().message());
    return 2;
  }
  const NodeJobSpec& spec = *read;
  const double started = UnixSeconds();
  const std::string job_id = Env("SLURM_JOB_ID");
  AttemptRecord attempt;
  attempt.host = Hostname();
  attempt.restarts = std::atoi(Env("SLURM_RESTART_COUNT").c_str());
  // Next to the spec, in the key's JobDir (known before the cache is opened, which may fail).
  const fs::path attempt_path = AttemptPath(fs::path(spec_path).parent_path(),
                                            job_id.empty() ? "pid" + std::to_string(::getpid()) : job_id);
  auto finish = [&](int exit_code) {
    Status written = WriteAttempt(attempt_path, attempt);
    if (!written.ok()) PrintWarning(written.message());
    if (attempt.outcome == AttemptOutcome::kFailed) {
      PrintError(attempt.message.rfind("node '", 0) == 0 ? attempt.message : "node '" + spec.node + "': " + attempt.message);
    }
    return exit_code;
  };

  PipelineOptions options;
  options.pipeline = spec.pipeline;
  options.cache_dir = spec.cache;
  options.set = spec.set;
  options.remote = spec.remote;
  options.remote_read_only = spec.remote_read_only;
  options.remote_ca = spec.remote_ca;
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) {
    attempt.message = "the pipeline or the cache could not be opened (the errors are above in this log)";
    return finish(1);
  }
  std::optional<Plan> plan;
  const std::optional<size_t> index = NodeToRun(*session, spec, plan, attempt);
  if (!index) return finish(1);
  if (plan->nodes[*index].state == NodeState::kCached) {
    attempt.outcome = AttemptOutcome::kCached;
    return finish(0);
  }

  JobLogObserver job_log;
  RunObservers observers;
  observers.Add(&job_log);
  std::unique_ptr<JsonRunLog> run_log;
  try {
    run_log = std::make_unique<JsonRunLog>(spec.run_log);
    observers.Add(run_log.get());
  } catch (const std::exception& e) {
    PrintWarning(std::string(e.what()) + ": the driver will not see this node's progress");
  }
  CachingNodeRunner runner(session->pipeline, *plan, *session->store, observers, signals.stop, session->remote.get());
  runner.set_record_extra({{"slurm",
                            {{"job_id", job_id},
                             {"host", attempt.host},
                             {"restarts", attempt.restarts},
                             {"queue_wait_seconds", spec.submitted_at > 0 ? std::max(0.0, started - spec.submitted_at) : 0.0}}}});
  const NodeResult result = runner.Run(*index, Granted(session->pipeline.nodes[*index].resources));
  attempt.outcome = OutcomeOf(result.outcome);
  attempt.message = result.message;
  if (attempt.outcome == AttemptOutcome::kInterrupted && signals.time_warning && signals.time_warning->load()) {
    RequeueItself(job_id, attempt);
  }
  switch (attempt.outcome) {
    case AttemptOutcome::kFailed: return finish(1);
    case AttemptOutcome::kInterrupted: return finish(130);
    default: return finish(0);
  }
}

}  // namespace xstilts
