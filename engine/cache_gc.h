// Garbage collection of a cache: keep what the given pipelines' current keys reach, remove the
// rest (oldest use first, down to a size, or only what is older than an age).
//
// Safe while the cache is in use: it holds the cache's in-use lock exclusively (every command that
// plans against the cache holds it shared), so it waits for running commands and removes nothing
// a run may still read; an entry whose key is locked (a build in progress) is never removed; an
// entry is removed by an atomic rename out of entries/ first.
#pragma once

#include <atomic>
#include <cstdint>
#include <ctime>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"
#include "data/artifact_store.h"
#include "data/cache_inventory.h"

namespace xstilts {

struct GcOptions {
  std::set<std::string> keep;   // keys that stay whatever their age or size
  uint64_t max_bytes = 0;       // stop removing once the cache is this small; 0: remove all candidates
  std::time_t older_than = 0;   // only entries unused for this many seconds are candidates; 0: all
  bool dry_run = false;         // say what would go, remove nothing
};

struct GcResult {
  std::vector<EntryInfo> removed;  // (or, with dry_run, would be)
  std::vector<EntryInfo> kept;
  std::vector<std::string> busy;   // candidates whose key another process holds
  uint64_t bytes_before = 0;
  uint64_t bytes_after = 0;
};

// `on_wait` is called once if commands are using the cache and gc must wait for them.
Result<GcResult> CollectGarbage(ArtifactStore& store, const GcOptions& options, const std::atomic<bool>* cancel,
                                const std::function<void()>& on_wait);

}  // namespace xstilts
