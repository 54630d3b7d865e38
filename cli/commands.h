// The subcommands of `xstilts`. Each returns the process exit code:
// 0 ok, 1 a node failed, 2 invalid input, 3 the environment is unusable (kExitEnvironment: a
// cache or run log that cannot be written, GPUs the machine lacks), 130 interrupted.
#pragma once

#include <atomic>
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
};

struct ReportOptions : PipelineOptions {
  std::string out = "report";       // folder for report.md, report.csv, report.html
};

int RunCommand(const RunOptions& options, const std::atomic<bool>* cancel);
int StatusCommand(const PipelineOptions& options, bool json);
int ExplainCommand(const PipelineOptions& options, const std::string& node);
int GraphCommand(const PipelineOptions& options, const std::string& format);
int NodesCommand(const std::string& type, bool markdown);
int SchemaCommand();
int ReportCommand(const ReportOptions& options);
// A node's cached artifacts as plain files in `dir` (cli/export_command.cc).
int ExportCommand(const PipelineOptions& options, const std::string& node, const std::string& dir);

}  // namespace xstilts
