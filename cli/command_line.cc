#include "cli/command_line.h"

#include "cli/commands.h"
#include "cluster/run_node.h"

namespace xstilts {

void AddPipelineOptions(CLI::App* command, PipelineOptions& options) {
  command->add_option("pipeline", options.pipeline, "pipeline YAML file")->required();
  command->add_option("--cache", options.cache_dir, "cache directory (default: $XSTILTS_CACHE, else ~/.cache/xstilts)");
  command->add_option("--set", options.set, "override: NODE.params.KEY=VALUE or vars.NAME=VALUE (repeatable)");
  command->add_option("--remote", options.remote, "remote cache URL (default: $XSTILTS_REMOTE; docs/cache.md)");
  command->add_flag("--remote-read-only", options.remote_read_only, "use the remote cache, never upload to it");
  command->add_option("--remote-ca", options.remote_ca, "CA bundle to trust for the remote cache's TLS");
}

RunCommandLine::RunCommandLine(CLI::App& app) {
  command_ = app.add_subcommand("run", "run what is stale, reuse what is cached");
  AddPipelineOptions(command_, options_);
  command_->add_option("-j,--jobs", options_.jobs,
                       "nodes to run at once (default: one per core; with --executor slurm: jobs in flight, "
                       "default the profile's)");
  command_->add_flag("--dry-run", options_.dry_run, "plan and show what would run");
  command_->add_flag("-k,--keep-going", options_.keep_going, "after a failure, go on with independent nodes");
  command_->add_option("--force", options_.force, "run NODE even if cached (repeatable)");
  command_->add_option("--only", options_.only, "run only NODE and what it needs (repeatable)");
  command_->add_flag("--json", options_.json, "end with one JSON line describing every node");
  command_->add_option("--log", options_.log, "run log file (JSON lines)");
  command_->add_option("--executor", options_.executor, "local (default), or slurm: each stale node a Slurm job")
      ->check(CLI::IsMember({"local", "slurm"}));
  command_->add_option("--profile", options_.profile,
                       "the Slurm profile (default: $XSTILTS_PROFILE, else ~/.config/xstilts/slurm.yaml; "
                       "docs/cluster.md)");
}

RunNodeCommandLine::RunNodeCommandLine(CLI::App& app) {
  command_ = app.add_subcommand("run-node", "run one node from the spec `run --executor slurm` wrote (what its jobs run)");
  command_->add_option("spec", spec_, "the node's spec: <cache>/jobs/<key>/spec.json")->required();
}

int RunNodeCommandLine::Run(const std::atomic<bool>* stop, const std::atomic<bool>* time_warning) const {
  return RunNodeCommand(spec_, RunNodeSignals{stop, time_warning});
}

CacheCommandLine::CacheCommandLine(CLI::App& app) {
  cache_ = app.add_subcommand("cache", "look after a cache: ls, du, verify, gc, push, pull, init");
  cache_->require_subcommand(1);
  const auto add_cache_dir = [&](CLI::App* command) {
    command->add_option("--cache", options_.cache_dir, "cache directory (default: $XSTILTS_CACHE, else ~/.cache/xstilts)");
  };
  ls_ = cache_->add_subcommand("ls", "list the entries: node, type, size, when built and last used");
  add_cache_dir(ls_);
  const auto add_remote = [&](CLI::App* command) {
    command->add_option("--remote", options_.remote, "remote cache URL (default: $XSTILTS_REMOTE; docs/cache.md)");
    command->add_option("--remote-ca", options_.remote_ca, "CA bundle to trust for the remote cache's TLS");
    command->add_option("--set", options_.set, "overrides for the pipeline, as for run");
  };
  ls_->add_option("--pipeline", options_.pipelines,
                  "only the entries built from this pipeline file; with a remote, its current entries in both caches")
      ->expected(1);
  add_remote(ls_);
  du_ = cache_->add_subcommand("du", "the cache's size by node type and by pipeline");
  add_cache_dir(du_);
  du_->add_option("--pipeline", options_.pipelines, "with --remote: the size of this pipeline's entries in both caches")
      ->expected(1);
  add_remote(du_);
  verify_ = cache_->add_subcommand("verify", "check every entry's files against their SHA-256 (exit 1 if one is corrupt)");
  add_cache_dir(verify_);
  verify_->add_flag("--repair", options_.repair, "move corrupt entries to corrupt/, to be rebuilt");
  gc_ = cache_->add_subcommand("gc", "remove entries that the kept pipelines do not reach, oldest use first");
  add_cache_dir(gc_);
  gc_->add_option("--keep", options_.pipelines, "keep every entry of this pipeline's current keys (repeatable)");
  gc_->add_option("--set", options_.set, "overrides for the kept pipelines, as for run");
  gc_->add_option("--max-size", options_.max_size, "stop once the cache is this small (500M, 20G)");
  gc_->add_option("--older-than", options_.older_than, "only remove entries unused for this long (12h, 30d, 2w)");
  gc_->add_flag("--dry-run", options_.dry_run, "say what would be removed, remove nothing");
  gc_->add_option("--remote", options_.remote, "refused: a remote cache's server evicts (docs/cache.md)");
  push_ = cache_->add_subcommand("push", "upload the pipeline's built entries to the remote cache");
  AddPipelineOptions(push_, transfer_);
  pull_ = cache_->add_subcommand("pull", "download the pipeline's entries that the remote cache has");
  AddPipelineOptions(pull_, transfer_);
  init_ = cache_->add_subcommand("init", "make a folder a cache that every user of a Unix group can write");
  init_->add_option("dir", options_.cache_dir, "the cache folder")->required();
  init_->add_option("--group", options_.group, "the Unix group")->required();
}

int CacheCommandLine::Run(const std::atomic<bool>* cancel) const {
  if (ls_->parsed()) return CacheLsCommand(options_);
  if (du_->parsed()) return CacheDuCommand(options_);
  if (verify_->parsed()) return CacheVerifyCommand(options_);
  if (gc_->parsed()) return CacheGcCommand(options_, cancel);
  if (push_->parsed()) return CacheTransferCommand(transfer_, true);
  if (pull_->parsed()) return CacheTransferCommand(transfer_, false);
  if (init_->parsed()) return CacheInitCommand(options_);
  return 2;
}

ExportCommandLine::ExportCommandLine(CLI::App& app) {
  command_ = app.add_subcommand("export", "write a node's cached artifacts as plain files (files, CSV, a HF model)");
  AddPipelineOptions(command_, options_);
  command_->add_option("node", node_, "node name")->required();
  command_->add_option("dir", dir_, "output folder")->required();
}

int ExportCommandLine::Run() const { return ExportCommand(options_, node_, dir_); }

EstimateCommandLine::EstimateCommandLine(CLI::App& app) {
  command_ =
      app.add_subcommand("estimate", "project the FLOPs (and GPU-hours) of the pipeline's model nodes before they run");
  AddPipelineOptions(command_, options_);
  command_->add_flag("--json", options_.json, "print one JSON object as the last line");
  command_->add_option("--device", options_.device, "GPU for GPU-hours: a100, h100, h200, v100, a6000, a10, l4, t4");
  tflops_option_ = command_->add_option("--tflops", tflops_, "GPU for GPU-hours: its peak dense BF16/FP16 TFLOPS");
  mfu_option_ = command_->add_option("--mfu", mfu_, "model FLOPs utilisation in (0, 1] (default 0.4)");
}

int EstimateCommandLine::Run() const {
  EstimateOptions options = options_;
  if (tflops_option_->count() > 0) options.tflops = tflops_;
  if (mfu_option_->count() > 0) options.mfu = mfu_;
  return EstimateCommand(options);
}

}  // namespace xstilts
