// Pieces of the command line shared by main(): the options every pipeline command takes, and the
// `xstilts cache` command with its subcommands.
#pragma once

#include <atomic>

#include <CLI/CLI.hpp>

#include "cli/cache_commands.h"
#include "cli/commands.h"
#include "engine/session.h"

namespace xstilts {

// The pipeline file, --cache, --set and the remote cache options.
void AddPipelineOptions(CLI::App* command, PipelineOptions& options);

// `xstilts run P [-j N] [--dry-run] [-k] [--force NODE] [--only NODE] [--json] [--log FILE]
// [--executor local|slurm] [--profile FILE]`.
class RunCommandLine {
 public:
  explicit RunCommandLine(CLI::App& app);
  bool chosen() const { return command_->parsed(); }
  int Run(const std::atomic<bool>* cancel) const { return RunCommand(options_, cancel); }

 private:
  CLI::App* command_;
  RunOptions options_;
};

// `xstilts run-node SPEC`: what a Slurm job of `run --executor slurm` runs (cluster/run_node.h).
class RunNodeCommandLine {
 public:
  explicit RunNodeCommandLine(CLI::App& app);
  bool chosen() const { return command_->parsed(); }
  // `stop`: set by SIGINT, SIGTERM and SIGUSR1; `time_warning`: by SIGUSR1 alone.
  int Run(const std::atomic<bool>* stop, const std::atomic<bool>* time_warning) const;

 private:
  CLI::App* command_;
  std::string spec_;
};

// `xstilts cache ls | du | verify | gc | push | pull | init`.
class CacheCommandLine {
 public:
  explicit CacheCommandLine(CLI::App& app);  // adds `cache` and its subcommands to `app`
  bool chosen() const { return cache_->parsed(); }
  int Run(const std::atomic<bool>* cancel) const;

 private:
  CLI::App* cache_;
  CLI::App *ls_, *du_, *verify_, *gc_, *push_, *pull_, *init_;
  CacheOptions options_;
  PipelineOptions transfer_;
};

// `xstilts export P NODE DIR`.
class ExportCommandLine {
 public:
  explicit ExportCommandLine(CLI::App& app);
  bool chosen() const { return command_->parsed(); }
  int Run() const;

 private:
  CLI::App* command_;
  PipelineOptions options_;
  std::string node_, dir_;
};

// `xstilts estimate P [--json] [--device NAME | --tflops X] [--mfu Y]`.
class EstimateCommandLine {
 public:
  explicit EstimateCommandLine(CLI::App& app);
  bool chosen() const { return command_->parsed(); }
  int Run() const;

 private:
  CLI::App* command_;
  CLI::Option *tflops_option_, *mfu_option_;
  EstimateOptions options_;
  double tflops_ = 0, mfu_ = 0;
};

}  // namespace xstilts
