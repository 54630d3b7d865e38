#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <thread>

#include "base/messages.h"
#include "cli/cluster_run.h"
#include "cli/commands.h"
#include "cli/console_reporter.h"
#include "engine/local_run.h"
#include "engine/run_observer.h"
#include "graph/executor.h"

namespace xstilts {
namespace {

std::string Reasons(const NodePlan& plan) {
  std::string text;
  for (const std::string& r : plan.reasons) text += (text.empty() ? "" : "; ") + r;
  return text;
}

void PrintPlan(const ResolvedPipeline& pipeline, const Plan& plan, std::FILE* out) {
  size_t stale = plan.CountState(NodeState::kStale);
  const size_t left_out = plan.CountState(NodeState::kNotSelected);
  size_t missing = 0;  // a dry run's nodes whose files (or whose inputs' files) are missing
  for (const NodePlan& p : plan.nodes) missing += p.stale_kind == StaleKind::kInputMissing;
  std::fprintf(out, "%zu nodes: %zu cached, %zu to run%s%s\n", pipeline.nodes.size(), plan.CountState(NodeState::kCached),
               stale, missing ? (" (" + std::to_string(missing) + " of them need files that are missing)").c_str() : "",
               left_out ? (", " + std::to_string(left_out) + " left out (--only)").c_str() : "");
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    if (plan.nodes[i].state == NodeState::kStale) {
      std::fprintf(out, "  %s: %s\n", pipeline.nodes[i].name.c_str(), Reasons(plan.nodes[i]).c_str());
    }
  }
}

void PrintDryRunJson(const ResolvedPipeline& pipeline, const Plan& plan) {
  nlohmann::json nodes = nlohmann::json::array();
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const NodePlan& p = plan.nodes[i];
    nodes.push_back({{"name", pipeline.nodes[i].name},
                     {"status", p.state == NodeState::kCached ? "cached" : p.state == NodeState::kStale ? "would_run" : "not_selected"},
                     {"key", p.key},
                     {"stale_kind", StaleKindName(p.stale_kind)},
                     {"reasons", p.reasons}});
  }
  std::printf("%s\n", nlohmann::json{{"nodes", nodes}, {"dry_run", true}}.dump().c_str());
}

// The driver's own CPU time (without its children: sbatch, squeue).
double SelfCpuSeconds() {
  rusage self{};
  getrusage(RUSAGE_SELF, &self);
  return static_cast<double>(self.ru_utime.tv_sec + self.ru_stime.tv_sec) +
         (self.ru_utime.tv_usec + self.ru_stime.tv_usec) / 1e6;
}

void PrintResultsJson(const ResolvedPipeline& pipeline, const Plan& plan, const std::vector<NodeResult>& results,
                      double seconds, const std::string& log_path, const SlurmRunStats* slurm) {
  nlohmann::json nodes = nlohmann::json::array();
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    NodeOutcome o = results[i].outcome;
    if (o == NodeOutcome::kCancelled) o = NodeOutcome::kSkipped;
    if (plan.nodes[i].state == NodeState::kNotSelected) continue;
    nlohmann::json node = {{"name", pipeline.nodes[i].name},
                           {"status", OutcomeName(o)},
                           {"key", plan.nodes[i].key},
                           {"seconds", results[i].seconds}};
    if (!results[i].message.empty()) node["message"] = results[i].message;
    nodes.push_back(node);
  }
  nlohmann::json out = {{"nodes", nodes}, {"seconds", seconds}, {"run_log", log_path}, {"cpu_seconds", SelfCpuSeconds()}};
  if (slurm != nullptr) {
    out["slurm"] = {{"submitted", slurm->submitted},
                    {"adopted", slurm->adopted},
                    {"queue_wait_seconds", slurm->queue_wait_seconds},
                    {"compute_seconds", slurm->compute_seconds},
                    {"sbatch_calls", slurm->calls.sbatch},
                    {"squeue_calls", slurm->calls.squeue},
                    {"scancel_calls", slurm->calls.scancel},
                    {"failed_calls", slurm->calls.failed}};
  }
  std::fflush(stderr);
  std::printf("%s\n", out.dump().c_str());
}

// The run log, or null: with nothing to run a read-only cache is fine (a warning); a run that
// would write the cache cannot go on without it (exit kExitEnvironment).
std::unique_ptr<JsonRunLog> OpenRunLog(const std::string& path, const Plan& plan, int& exit_code) {
  try {
    return std::make_unique<JsonRunLog>(path);
  } catch (const std::exception& e) {
    if (plan.CountState(NodeState::kStale) == 0) {
      PrintWarning(std::string(e.what()) + "; nothing to run, going on without it");
      return nullptr;
    }
    PrintError(std::string(e.what()) + ": is the cache writable for you?");
    exit_code = kExitEnvironment;
    return nullptr;
  }
}

}  // namespace

int RunCommand(const RunOptions& options, const std::atomic<bool>* cancel) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  const ResolvedPipeline& pipeline = session->pipeline;
  auto started = std::chrono::steady_clock::now();

  PlanOptions plan_options;
  plan_options.force = options.force;
  plan_options.only = options.only;
  plan_options.verify_inputs = !options.dry_run;
  plan_options.allow_missing_files = options.dry_run;  // a real run refuses them all, before it starts
  std::optional<Plan> planned = PlanSession(*session, plan_options, exit_code);
  if (!planned) return exit_code;
  const Plan& plan = *planned;
  std::FILE* human = options.json ? stderr : stdout;
  PrintPlan(pipeline, plan, human);
  std::fflush(human);

  // Nodes this machine cannot run (GPUs or memory it lacks) are refused before anything runs; a dry run
  // only warns, since the plan may be meant for another machine. On a cluster the jobs' nodes decide.
  const bool on_slurm = options.executor == "slurm";
  const std::vector<std::string> unmet =
      on_slurm ? std::vector<std::string>() : UnmetResources(pipeline, plan, DetectGpus(), PhysicalMemory());
  for (const std::string& problem : unmet) options.dry_run ? PrintWarning(problem) : PrintError(problem);
  if (options.dry_run) {
    if (options.json) PrintDryRunJson(pipeline, plan);
    return 0;
  }
  if (!unmet.empty()) return kExitEnvironment;
  std::optional<SlurmProfile> profile;
  if (on_slurm && !(profile = LoadClusterProfile(options, exit_code))) return exit_code;

  std::map<std::string, std::string> to_run;  // node -> type, for the overall line's ETA
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    if (plan.nodes[i].state == NodeState::kStale) to_run[pipeline.nodes[i].name] = pipeline.nodes[i].type->name;
  }
  const int slots = options.jobs > 0 ? options.jobs
                    : on_slurm       ? profile->jobs
                                     : static_cast<int>(std::thread::hardware_concurrency());
  ConsoleReporter console(stderr, isatty(STDERR_FILENO) && !options.json, RunProgress(std::move(to_run), slots));
  std::string log_path = options.log.empty() ? (session->store->RunDir(session->pipeline_id) / "run.jsonl").string()
                                             : options.log;
  std::unique_ptr<JsonRunLog> run_log = OpenRunLog(log_path, plan, exit_code);
  if (run_log == nullptr && exit_code != 0) return exit_code;
  RunObservers observers;
  observers.Add(&console);
  if (run_log) {
    run_log->Event({{"event", "run_start"}, {"pipeline", pipeline.file}, {"nodes", pipeline.nodes.size()},
                    {"to_run", plan.CountState(NodeState::kStale)}});
    observers.Add(run_log.get());
  }
  SlurmRunStats slurm;
  const std::vector<NodeResult> results =
      on_slurm ? RunOnCluster(*session, plan, options, *profile, console, run_log.get(), log_path, cancel, slurm)
               : RunLocally(*session, plan, observers, LocalRunSettings{options.jobs, options.keep_going, cancel});
  Status recorded = RecordBuiltKeys(*session, plan, results);
  if (!recorded.ok()) PrintWarning(recorded.message());

  size_t counts[6] = {0, 0, 0, 0, 0, 0};
  for (size_t i = 0; i < results.size(); ++i) {
    if (plan.nodes[i].state != NodeState::kNotSelected) ++counts[static_cast<int>(results[i].outcome)];
  }
  const size_t left_out = plan.CountState(NodeState::kNotSelected);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  bool cancelled = cancel && cancel->load();
  if (run_log) {
    run_log->Event({{"event", "run_end"}, {"seconds", seconds}, {"ran", counts[0]}, {"cached", counts[1]},
                    {"failed", counts[2]}, {"skipped", counts[3]}, {"left_out", left_out}, {"cancelled", cancelled}});
  }
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    if (results[i].outcome == NodeOutcome::kFailed) {
      PrintError(results[i].message);
    }
  }
  std::fprintf(human, "%s: ran %zu, cached %zu, failed %zu, skipped %zu%s in %s%s\n",
               cancelled ? "interrupted" : counts[2] ? "failed" : "done", counts[0], counts[1], counts[2],
               counts[3] + counts[4], left_out ? (", left out " + std::to_string(left_out)).c_str() : "",
               FormatDuration(seconds).c_str(), on_slurm ? ClusterSummary(slurm).c_str() : "");
  if (options.json) PrintResultsJson(pipeline, plan, results, seconds, log_path, on_slurm ? &slurm : nullptr);
  if (cancelled) return 130;
  return counts[2] ? 1 : 0;
}

}  // namespace xstilts
