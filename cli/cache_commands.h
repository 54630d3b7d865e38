// The `xstilts cache` commands: ls, du, verify, gc, push, pull, init (docs/cache.md). Exit codes as
// cli/commands.h; `verify` exits 1 when it finds a corrupt entry.
#pragma once

#include <atomic>
#include <string>
#include <vector>

#include "engine/session.h"

namespace xstilts {

struct CacheOptions {
  std::string cache_dir;                // --cache
  std::vector<std::string> pipelines;   // gc --keep P...; ls --pipeline P
  std::vector<std::string> set;         // gc: overrides for the kept pipelines
  std::string max_size;                 // gc --max-size 20G
  std::string older_than;               // gc --older-than 30d
  bool dry_run = false;                 // gc --dry-run
  bool repair = false;                  // verify --repair
  std::string group;                    // init --group
};

int CacheLsCommand(const CacheOptions& options);
int CacheDuCommand(const CacheOptions& options);
int CacheVerifyCommand(const CacheOptions& options);
int CacheGcCommand(const CacheOptions& options, const std::atomic<bool>* cancel);
// push (upload every entry of the pipeline's nodes that this cache has) or pull (download every
// one the remote has and this cache lacks).
int CacheTransferCommand(const PipelineOptions& options, bool push);
int CacheInitCommand(const CacheOptions& options);

}  // namespace xstilts
