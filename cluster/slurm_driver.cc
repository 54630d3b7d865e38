#include "cluster/slurm_driver.h"

#include <stdlib.h>
#include <unistd.h>

#include <chrono>
#include <algorithm>
#include <deque>
#include <optional>
#include <thread>
#include <unordered_map>

#include "base/this_process.h"
#include "cluster/node_job.h"
#include "cluster/run_log_follower.h"
#include "cluster/sbatch_command.h"
#include "data/file_lock.h"
#include "nodes/subprocess.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::milliseconds(250);
constexpr auto kElsewhereRetry = std::chrono::seconds(2);  // how often a key another process builds is looked at
constexpr size_t kLogTailLines = 20;
constexpr auto kSubmitTurn = std::chrono::seconds(1);

enum class Phase { kBlocked, kReady, kElsewhere, kInFlight, kDone };

struct NodeJob {
  Phase phase = Phase::kBlocked;
  int waiting_inputs = 0;
  std::string job_id;
  std::optional<FileLock> claim;
  QueuedJob last;               // as the last squeue showed it (state "" before)
  bool shown_started = false;
  bool told_elsewhere = false;
  Clock::time_point retry_at;
};

class SlurmDriver {
 public:
  SlurmDriver(Session& session, const Plan& plan, RunObserver& display, JsonRunLog* log,
              const SlurmRunSettings& settings, SlurmRunStats& stats, const fs::path& scratch)
      : session_(session), pipeline_(session.pipeline), plan_(plan), display_(display), log_(log),
        settings_(settings), stats_(stats), cache_(session.store->root()),
        client_(scratch, [this](const std::string& warning) { display_.Note("warning: " + warning); }, settings.cancel),
        follower_(settings.run_log), nodes_(pipeline_.nodes.size()), results_(pipeline_.nodes.size()),
        successors_(pipeline_.nodes.size()) {
    max_jobs_ = settings.jobs > 0 ? settings.jobs : std::max(1, settings.profile.jobs);
    for (size_t i = 0; i < pipeline_.nodes.size(); ++i) {
      by_name_[pipeline_.nodes[i].name] = i;
      if (plan_.nodes[i].state != NodeState::kStale) {
        results_[i].outcome = NodeOutcome::kCached;
        nodes_[i].phase = Phase::kDone;
        continue;
      }
      for (size_t d : pipeline_.nodes[i].deps) {
        successors_[d].push_back(i);
        if (plan_.nodes[d].state == NodeState::kStale) ++nodes_[i].waiting_inputs;
      }
      if (nodes_[i].waiting_inputs == 0) MakeReady(i);
    }
  }

  std::vector<NodeResult> Run();

 private:
  bool Cancelled() const { return settings_.cancel && settings_.cancel->load(); }
  bool Forced(size_t i) const { return plan_.nodes[i].stale_kind == StaleKind::kForced; }
  const std::string& Key(size_t i) const { return plan_.nodes[i].key; }
  const std::string& Name(size_t i) const { return pipeline_.nodes[i].name; }
  void MakeReady(size_t i) {
    nodes_[i].phase = Phase::kReady;
    ready_.push_back(i);
  }
  void Adopt();
  bool Claim(size_t i, bool test_key_lock);
  void WaitElsewhere(size_t i);
  void StartReady();
  void Submit(size_t i);
  void ReviewElsewhere();
  void CheckEntries();
  bool Poll();
  void JobEnded(size_t i, bool left_queue);
  void ShowState(size_t i, const QueuedJob& job);
  void FollowLog();
  void Finish(size_t i, NodeResult result, const nlohmann::json& record, bool said_by_job);
  void Fail(size_t i, const std::string& why);
  void SkipDescendants(size_t i);
  void CancelJobs(bool only_pending);
  void JobEvent(size_t i, nlohmann::json event);

  Session& session_;
  const ResolvedPipeline& pipeline_;
  const Plan& plan_;
  RunObserver& display_;
  JsonRunLog* log_;
  const SlurmRunSettings& settings_;
  SlurmRunStats& stats_;
  fs::path cache_;
  SlurmClient client_;
  RunLogFollower follower_;
  std::vector<NodeJob> nodes_;
  std::vector<NodeResult> results_;
  std::vector<std::vector<size_t>> successors_;
  std::unordered_map<std::string, size_t> by_name_;
  std::deque<size_t> ready_;           // may hold nodes no longer ready: skipped when met
  std::vector<size_t> in_flight_, elsewhere_;
  int max_jobs_ = 1;
  bool stopping_ = false;              // a failure without keep_going: submit nothing more
};

std::vector<NodeResult> SlurmDriver::Run() {
  Adopt();
  const auto base_interval = std::chrono::seconds(std::max<int64_t>(1, settings_.profile.poll_seconds));
  const auto max_interval = std::max<Clock::duration>(base_interval, std::chrono::seconds(settings_.profile.max_poll_seconds));
  Clock::duration interval = base_interval;
  Clock::time_point next_poll = Clock::now() + base_interval;
  while (true) {
    if (Cancelled()) {
      CancelJobs(false);
      break;
    }
    if (!stopping_) StartReady();
    CheckEntries();
    FollowLog();
    if (!in_flight_.empty() && Clock::now() >= next_poll) {
      interval = Poll() ? base_interval : std::min<Clock::duration>(interval * 2, max_interval);
      next_poll = Clock::now() + interval;
    }
    ReviewElsewhere();
    // What finished above made its successors ready: submit them now, not a tick later.
    if (!stopping_) StartReady();
    const bool work_left = !in_flight_.empty() || (!stopping_ && (!ready_.empty() || !elsewhere_.empty()));
    if (!work_left) break;
    std::this_thread::sleep_for(kTick);
  }
  FollowLog();
  stats_.calls = client_.calls();
  for (size_t i = 0; i < nodes_.size(); ++i) {
    if (nodes_[i].phase == Phase::kDone) continue;
    results_[i] = Cancelled() ? NodeResult{NodeOutcome::kCancelled, "not started: interrupted", 0}
                              : NodeResult{NodeOutcome::kSkipped, "not started: the run stopped after a failure", 0};
  }
  return results_;
}

bool SlurmDriver::Claim(size_t i, bool test_key_lock) {
  std::error_code ec;
  fs::create_directories(session_.store->JobDir(Key(i)), ec);
  nodes_[i].claim = FileLock::TryAcquire(NodeJobClaimPath(session_.store->JobDir(Key(i))));
  if (!nodes_[i].claim) return false;
  if (test_key_lock && !session_.store->TryLockKey(Key(i))) {  // a local run of another process builds it
    nodes_[i].claim.reset();
    return false;
  }
  return true;
}

void SlurmDriver::Adopt() {
  Result<std::map<std::string, QueuedJob>> queue = client_.Queue();
  if (!queue.ok()) return;
  std::unordered_map<std::string, const QueuedJob*> by_key;
  for (const auto& [id, job] : *queue) {
    if (job.comment.rfind("xstilts ", 0) != 0) continue;
    const std::string rest = job.comment.substr(8);
    by_key[rest.substr(0, rest.find(' '))] = &job;
  }
  for (size_t i = 0; i < nodes_.size(); ++i) {
    auto it = by_key.find(Key(i));
    if (nodes_[i].phase != Phase::kReady || it == by_key.end() || Forced(i)) continue;
    if (!Claim(i, false)) continue;  // another driver is alive and follows it: StartReady waits for it
    nodes_[i].phase = Phase::kInFlight;
    nodes_[i].job_id = it->second->id;
    in_flight_.push_back(i);
    ++stats_.adopted;
    display_.Note(Name(i) + ": adopted Slurm job " + it->second->id + " (" + it->second->state +
                  "), submitted by an earlier run of this key");
    JobEvent(i, {{"action", "adopted"}, {"state", it->second->state}});
    ShowState(i, *it->second);
  }
}

void SlurmDriver::WaitElsewhere(size_t i) {
  nodes_[i].phase = Phase::kElsewhere;
  nodes_[i].retry_at = Clock::now() + kElsewhereRetry;
  elsewhere_.push_back(i);
  if (!nodes_[i].told_elsewhere) {
    nodes_[i].told_elsewhere = true;
    display_.NodeWaiting(Name(i), "another process is building the same key; going on with other nodes");
  }
}

void SlurmDriver::StartReady() {
  // Submissions take turns with the rest of the loop (entries, polls, progress): at most
  // kSubmitTurn of sbatch calls at once, the rest on the next turns.
  const Clock::time_point until = Clock::now() + kSubmitTurn;
  while (!ready_.empty() && static_cast<int>(in_flight_.size()) < max_jobs_ && !Cancelled() && Clock::now() < until) {
    const size_t i = ready_.front();
    ready_.pop_front();
    if (nodes_[i].phase != Phase::kReady) continue;
    if (!Forced(i) && session_.store->IsComplete(Key(i))) {
      Finish(i, {NodeOutcome::kCached, "built meanwhile by another process", 0}, nullptr, false);
    } else if (!Claim(i, true)) {
      WaitElsewhere(i);
    } else {
      Submit(i);
    }
  }
}

void SlurmDriver::Submit(size_t i) {
  const ResolvedNode& node = pipeline_.nodes[i];
  NodeJobSpec spec;
  spec.pipeline = fs::absolute(settings_.pipeline.pipeline).string();
  spec.set = settings_.pipeline.set;
  spec.cache = cache_.string();
  spec.node = node.name;
  spec.key = Key(i);
  spec.force = Forced(i);
  spec.remote = settings_.pipeline.remote;
  spec.remote_read_only = settings_.pipeline.remote_read_only;
  spec.remote_ca = settings_.pipeline.remote_ca;
  spec.run_log = settings_.run_log;
  spec.submitted_at = UnixSeconds();
  const fs::path spec_path = NodeJobSpecPath(session_.store->JobDir(spec.key));
  if (Status written = WriteNodeJobSpec(spec_path, spec); !written.ok()) {
    return Finish(i, {NodeOutcome::kFailed, node.Describe() + ": " + written.message(), 0}, nullptr, false);
  }
  JobRequest job{node.name, node.type->name, spec.key, node.resources, NodeJobLogPattern(session_.store->JobDir(spec.key)).string(),
                 fs::current_path().string(), {"exec", settings_.xstilts, "run-node", spec_path.string()}};
  Result<std::string> id = client_.Submit(SbatchCommand(settings_.profile, job));
  if (!id.ok()) {
    return Finish(i, {NodeOutcome::kFailed, node.Describe() + ": not submitted: " + id.status().message(), 0}, nullptr,
                  false);
  }
  nodes_[i].phase = Phase::kInFlight;
  nodes_[i].job_id = *id;
  nodes_[i].last = QueuedJob{};
  in_flight_.push_back(i);
  ++stats_.submitted;
  JobEvent(i, {{"action", "submitted"}});
  display_.NodeWaiting(Name(i), "Slurm job " + *id + " submitted");
}

void SlurmDriver::ReviewElsewhere() {
  const Clock::time_point now = Clock::now();
  std::vector<size_t> still;
  for (size_t i : elsewhere_) {
    if (nodes_[i].phase != Phase::kElsewhere) continue;
    if (now < nodes_[i].retry_at || (stopping_ && !session_.store->IsComplete(Key(i)))) {
      still.push_back(i);
    } else if (session_.store->IsComplete(Key(i)) && !Forced(i)) {
      Finish(i, {NodeOutcome::kCached, "built meanwhile by another process", 0}, nullptr, false);
    } else {
      MakeReady(i);
    }
  }
  elsewhere_ = std::move(still);
}

// Jobs that may have ended since the last look: an entry means done; an attempt record that the
// job failed or left the key to another process ends it too. Pending jobs cannot have ended.
void SlurmDriver::CheckEntries() {
  const std::vector<size_t> jobs = in_flight_;
  for (size_t i : jobs) {
    const std::string& state = nodes_[i].last.state;
    if (state == "PENDING" || state == "REQUEUED" || state == "REQUEUE_HOLD" || state == "SUSPENDED") continue;
    JobEnded(i, false);
  }
}

// Looks at what job of node i left: its entry, else its attempt record. With `left_queue`, the job
// is gone from the queue, so having neither is a failure.
void SlurmDriver::JobEnded(size_t i, bool left_queue) {
  const std::string& job_id = nodes_[i].job_id;
  const std::optional<AttemptRecord> attempt = ReadAttempt(AttemptPath(session_.store->JobDir(Key(i)), job_id));
  const std::optional<CacheEntry> entry =
      session_.store->IsComplete(Key(i)) ? session_.store->Lookup(Key(i)) : std::nullopt;
  if (entry) {
    const nlohmann::json& record = entry->meta;
    if (record.contains("slurm") && record["slurm"].value("job_id", "") == job_id) {
      stats_.queue_wait_seconds += record["slurm"].value("queue_wait_seconds", 0.0);
      stats_.compute_seconds += record.value("seconds", 0.0);
      return Finish(i, {NodeOutcome::kRan, "", record.value("seconds", 0.0)}, record, true);
    }
    // Another process's entry. A forced node's old entry is there all along: it ends the node only
    // once the job said the key was built meanwhile.
    if (!Forced(i) || (attempt && attempt->outcome == AttemptOutcome::kCached)) {
      return Finish(i, {NodeOutcome::kCached, "built meanwhile by another process", 0}, nullptr, false);
    }
  }
  if (attempt && attempt->outcome == AttemptOutcome::kFailed) return Fail(i, attempt->message);
  if (attempt && attempt->outcome == AttemptOutcome::kBusy) {
    nodes_[i].claim.reset();
    in_flight_.erase(std::remove(in_flight_.begin(), in_flight_.end(), i), in_flight_.end());
    return WaitElsewhere(i);
  }
  if (!left_queue) return;
  if (attempt && attempt->outcome == AttemptOutcome::kInterrupted) {
    return Fail(i, "interrupted (the job was cancelled or preempted, and not requeued)");
  }
  Fail(i, attempt ? "its job said '" + std::string(AttemptOutcomeName(attempt->outcome)) + "' but the entry is not in the cache"
                  : "the job ended without a result (cancelled, out of memory, out of time, or its node failed)");
}

bool SlurmDriver::Poll() {
  Result<std::map<std::string, QueuedJob>> queue = client_.Queue();
  if (!queue.ok()) return false;  // said through warn; the next poll tries again
  bool changed = false;
  const std::vector<size_t> jobs = in_flight_;
  for (size_t i : jobs) {
    auto it = queue->find(nodes_[i].job_id);
    if (it == queue->end()) {
      JobEnded(i, true);
      changed = true;
      continue;
    }
    const QueuedJob& job = it->second;
    if (job.state != nodes_[i].last.state || job.reason != nodes_[i].last.reason || job.host != nodes_[i].last.host) {
      changed = true;
      ShowState(i, job);
    }
  }
  return changed;
}

void SlurmDriver::ShowState(size_t i, const QueuedJob& job) {
  nodes_[i].last = job;
  JobEvent(i, {{"state", job.state}, {"reason", job.reason}, {"host", job.host}});
  if (job.state == "RUNNING" || job.state == "COMPLETING") {
    if (!nodes_[i].shown_started) {
      nodes_[i].shown_started = true;
      display_.NodeStarted(Name(i), Key(i));
    }
    display_.NodeProgress(Name(i), -1, "Slurm job " + job.id + " on " + job.host);
  } else {
    const bool has_reason = !job.reason.empty() && job.reason != "None";
    display_.NodeWaiting(Name(i), "Slurm job " + job.id + " " + job.state + (has_reason ? " (" + job.reason + ")" : ""));
  }
}

void SlurmDriver::FollowLog() {
  const int self = ::getpid();
  follower_.Follow([&](const nlohmann::json& event) {
    if (event.value("pid", 0) == self || !event.contains("node") || !event["node"].is_string()) return;
    auto it = by_name_.find(event["node"].get<std::string>());
    if (it == by_name_.end() || nodes_[it->second].phase != Phase::kInFlight) return;
    const size_t i = it->second;
    const std::string kind = event.value("event", "");
    if ((kind == "start" || kind == "progress") && !nodes_[i].shown_started) {
      nodes_[i].shown_started = true;
      display_.NodeStarted(Name(i), Key(i));
    }
    if (kind == "progress") display_.NodeProgress(Name(i), event.value("fraction", -1.0), event.value("message", ""));
    if (kind == "log") display_.NodeLog(Name(i), event.value("line", ""));
  });
}

void SlurmDriver::Finish(size_t i, NodeResult result, const nlohmann::json& record, bool said_by_job) {
  const bool was_in_flight = nodes_[i].phase == Phase::kInFlight;
  nodes_[i].phase = Phase::kDone;
  nodes_[i].claim.reset();
  if (was_in_flight) in_flight_.erase(std::remove(in_flight_.begin(), in_flight_.end(), i), in_flight_.end());
  results_[i] = result;
  display_.NodeFinished(Name(i), result, record);
  if (log_ != nullptr && !said_by_job) log_->NodeFinished(Name(i), result, record);
  if (result.outcome != NodeOutcome::kRan && result.outcome != NodeOutcome::kCached) return SkipDescendants(i);
  for (size_t s : successors_[i]) {
    if (--nodes_[s].waiting_inputs == 0 && nodes_[s].phase == Phase::kBlocked) MakeReady(s);
  }
}

void SlurmDriver::Fail(size_t i, const std::string& why) {
  const NodeJob& job = nodes_[i];
  // run-node's message starts with its own description of the node (the pipeline's absolute path),
  // and its log repeats it after "error: ".
  const std::string own = "node '" + Name(i) + "' (";
  const auto without_own = [&own](std::string text) {
    if (text.rfind("error: ", 0) == 0) text = text.substr(7);
    if (const size_t end = text.find("): "); text.rfind(own, 0) == 0 && end != std::string::npos) text = text.substr(end + 3);
    return text;
  };
  const std::string reason = without_own(why);
  std::string message = pipeline_.nodes[i].Describe() + ": " + reason;
  if (!job.job_id.empty()) {
    const fs::path log = NodeJobLog(session_.store->JobDir(Key(i)), job.job_id);
    message += "\n  Slurm job " + job.job_id + (job.last.host.empty() ? "" : " on " + job.last.host) + "; its log: " +
               log.string();
    // The log's last lines, less those the reason already holds.
    const std::string tail = TailOfFile(log, kLogTailLines);
    for (size_t start = 0; start < tail.size();) {
      const size_t end = std::min(tail.find('\n', start), tail.size());
      const std::string line = tail.substr(start, end - start);
      if (!line.empty() && reason.find(without_own(line)) == std::string::npos) {
        message += "\n    " + line;
      }
      start = end + 1;
    }
  }
  Finish(i, {NodeOutcome::kFailed, message, 0}, nullptr, false);
  if (!settings_.keep_going && !stopping_) {
    stopping_ = true;
    CancelJobs(true);
  }
}

void SlurmDriver::SkipDescendants(size_t failed) {
  std::vector<size_t> stack = {failed};
  while (!stack.empty()) {
    const size_t d = stack.back();
    stack.pop_back();
    for (size_t s : successors_[d]) {
      if (nodes_[s].phase == Phase::kDone) continue;
      nodes_[s].phase = Phase::kDone;
      results_[s] = {NodeOutcome::kSkipped, "input '" + Name(d) + "' " + OutcomeName(results_[d].outcome), 0};
      stack.push_back(s);
    }
  }
}

// Cancels the jobs in flight (`only_pending`: those squeue last showed pending); their nodes end
// cancelled (Ctrl-C) or skipped (after a failure).
void SlurmDriver::CancelJobs(bool only_pending) {
  std::vector<size_t> nodes;
  std::vector<std::string> ids;
  for (size_t i : in_flight_) {
    if (only_pending && nodes_[i].last.state != "PENDING") continue;
    nodes.push_back(i);
    ids.push_back(nodes_[i].job_id);
  }
  if (ids.empty()) return;
  Status cancelled = client_.Cancel(ids);
  if (!cancelled.ok()) display_.Note("warning: the jobs were not all cancelled: " + cancelled.message());
  for (size_t i : nodes) {
    JobEvent(i, {{"action", "cancelled"}});
    const std::string id = nodes_[i].job_id;
    Finish(i,
           only_pending ? NodeResult{NodeOutcome::kSkipped, "the run stopped after a failure; its pending Slurm job " + id + " was cancelled", 0}
                        : NodeResult{NodeOutcome::kCancelled, "interrupted: its Slurm job " + id + " was cancelled", 0},
           nullptr, false);
  }
}

void SlurmDriver::JobEvent(size_t i, nlohmann::json event) {
  if (log_ == nullptr) return;
  event["event"] = "job";
  event["node"] = Name(i);
  event["job_id"] = nodes_[i].job_id;
  log_->Event(std::move(event));
}

}  // namespace

std::vector<NodeResult> RunOnSlurm(Session& session, const Plan& plan, RunObserver& display, JsonRunLog* log,
                                   const SlurmRunSettings& settings, SlurmRunStats& stats) {
  std::string pattern = (fs::temp_directory_path() / "xstilts-driver-XXXXXX").string();
  const fs::path scratch = ::mkdtemp(pattern.data()) ? fs::path(pattern) : fs::temp_directory_path();
  std::vector<NodeResult> results;
  {
    SlurmDriver driver(session, plan, display, log, settings, stats, scratch);
    results = driver.Run();
  }
  std::error_code ec;
  if (scratch != fs::temp_directory_path()) fs::remove_all(scratch, ec);
  return results;
}

}  // namespace xstilts
