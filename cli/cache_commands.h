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
  std::vector<std::string> pipelines;   // gc --keep P...; ls, du --pipeline P
  std::vector<std::string> set;         // overrides for those pipelines
  std::string remote;                   // ls, du: --remote URL (else $XSTILTS_REMOTE); gc refuses one
  std::string remote_ca;                // --remote-ca FILE
  std::string max_size;                 // gc --max-size 20G
  std::string older_than;               // gc --older-than 30d
  bool dry_run = false;                 // gc --dry-run
  bool repair = false;                  // verify --repair
  std::string group;                    // init --group
};

// ls and du look at the local cache; with --pipeline P and a remote cache, at P's current entries
// in both (a remote cache over HTTP cannot be listed, only asked for keys).
int CacheLsCommand(const CacheOptions& options);
int CacheDuCommand(const CacheOptions& options);
int CacheVerifyCommand(const CacheOptions& options);
int CacheGcCommand(const CacheOptions& options, const std::atomic<bool>* cancel);
// push (upload every entry of the pipeline's nodes that this cache has) or pull (download every
// one the remote has and this cache lacks).
int CacheTransferCommand(const PipelineOptions& options, bool push);
int CacheInitCommand(const CacheOptions& options);

}  // namespace xstilts
