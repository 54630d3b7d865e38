// The subcommands of `xstilts`. Each returns the process exit code:
// 0 ok, 1 a node failed, 2 invalid input, 3 the environment is unusable (kExitEnvironment: a
// cache or run log that cannot be written, GPUs the machine lacks), 130 interrupted.
#pragma once

#include <atomic>
#include <optional>
#include <string>
#include <vector>

#include "engine/session.h"

namespace xstilts {

struct RunOptions : PipelineOptions {
  int jobs = 0;                     // 0: one per core
  bool dry_run = false;
  bool keep_going = false;
  std::vector<std::string> force;
  std::vector<std::string> only;
  bool json = false;                // last stdout line: {"nodes": [...]} 
  std::string log;                  // run log path; default <cache>/runs/<pipeline>/run.jsonl
  std::string executor = "local";   // local, or slurm: each stale node a Slurm job (docs/cluster.md)
  std::string profile;              // --profile FILE: the Slurm profile (cluster/slurm_profile.h)
};

struct ReportOptions : PipelineOptions {
  std::string out = "report";       // folder for report.md, report.csv, report.html
};

struct EstimateOptions : PipelineOptions {
  bool json = false;                // last stdout line: {"nodes": [...], "total_flops", ...}
  std::string device;               // --device NAME: a known GPU's peak TFLOPS (nodes/estimate/gpu_hours.h)
  std::optional<double> tflops;     // --tflops X: a peak given instead
  std::optional<double> mfu;        // --mfu Y in (0, 1] (default kDefaultMfu)
};

int RunCommand(const RunOptions& options, const std::atomic<bool>* cancel);
int StatusCommand(const PipelineOptions& options, bool json);
int ExplainCommand(const PipelineOptions& options, const std::string& node);
int GraphCommand(const PipelineOptions& options, const std::string& format);
int NodesCommand(const std::string& type, bool markdown);
int SchemaCommand();
int ReportCommand(const ReportOptions& options);
// The FLOPs (and with a GPU, GPU-hours) of the pipeline's model nodes before they run
// (cli/estimate_command.cc; nodes/estimate/cost_estimate.h).
int EstimateCommand(const EstimateOptions& options);
// EstimateCommand's work on a pipeline already planned (as a dry run): also what `xstilts report`
// prints for a pipeline with nothing finished.
int EstimatePlannedCost(Session& session, const Plan& plan, const EstimateOptions& options);
// A node's cached artifacts as plain files in `dir` (cli/export_command.cc).
int ExportCommand(const PipelineOptions& options, const std::string& node, const std::string& dir);

}  // namespace xstilts
