#include "cli/cluster_run.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "base/messages.h"
#include "graph/diagnostics.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// Whether `program` is an executable file on $PATH.
bool OnPath(const std::string& program) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path ? path : "");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    if (!dir.empty() && ::access((fs::path(dir) / program).c_str(), X_OK) == 0) return true;
  }
  return false;
}

std::string ThisProgram() {
  std::error_code ec;
  const fs::path self = fs::read_symlink("/proc/self/exe", ec);
  return ec ? "xstilts" : self.string();
}

}  // namespace

std::optional<SlurmProfile> LoadClusterProfile(const RunOptions& options, int& exit_code) {
  const char* home = std::getenv("HOME");
  const std::string file = FindSlurmProfile(options.profile, std::getenv("XSTILTS_PROFILE"), home ? home : "");
  std::optional<SlurmProfile> profile = SlurmProfile{};
  if (!file.empty()) {
    std::ifstream in(file);
    if (!in) {
      PrintError(file + ": cannot read the Slurm profile");
      exit_code = 2;
      return std::nullopt;
    }
    std::stringstream text;
    text << in.rdbuf();
    Diagnostics diagnostics;
    diagnostics.AddSource(file, text.str());
    profile = ParseSlurmProfile(text.str(), file, diagnostics);
    if (!profile || !diagnostics.empty()) {
      std::fputs(PaintLabels(diagnostics.Render()).c_str(), stderr);
      exit_code = 2;
      return std::nullopt;
    }
  }
  for (const char* tool : {"sbatch", "squeue", "scancel"}) {
    if (!OnPath(tool)) {
      PrintError(std::string("--executor slurm: '") + tool + "' is not on PATH: run on a Slurm login node");
      exit_code = kExitEnvironment;
      return std::nullopt;
    }
  }
  return profile;
}

std::vector<NodeResult> RunOnCluster(Session& session, const Plan& plan, const RunOptions& options,
                                     const SlurmProfile& profile, RunObserver& display, JsonRunLog* log,
                                     const std::string& log_path, const std::atomic<bool>* cancel,
                                     SlurmRunStats& stats) {
  SlurmRunSettings settings;
  settings.profile = profile;
  settings.jobs = options.jobs;
  settings.keep_going = options.keep_going;
  settings.cancel = cancel;
  settings.xstilts = ThisProgram();
  settings.pipeline = options;
  settings.force = options.force;
  settings.run_log = fs::absolute(log_path).string();
  return RunOnSlurm(session, plan, display, log, settings, stats);
}

std::string ClusterSummary(const SlurmRunStats& stats) {
  std::string jobs = std::to_string(stats.submitted) + (stats.submitted == 1 ? " job" : " jobs");
  if (stats.adopted > 0) jobs += ", " + std::to_string(stats.adopted) + " adopted";
  return " (Slurm: " + jobs + "; summed over them, queue wait " + FormatDuration(stats.queue_wait_seconds) +
         " and compute " + FormatDuration(stats.compute_seconds) + "; " + std::to_string(stats.calls.squeue) +
         " squeue calls)";
}

}  // namespace xstilts
