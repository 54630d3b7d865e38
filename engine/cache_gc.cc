#include "engine/cache_gc.h"

#include <algorithm>
#include <ctime>

namespace xstilts {

Result<GcResult> CollectGarbage(ArtifactStore& store, const GcOptions& options, const std::atomic<bool>* cancel,
                                const std::function<void()>& on_wait) {
  Result<FileLock> in_use = store.LockInUse(true, cancel, on_wait);
  if (!in_use.ok()) return in_use.status();
  GcResult result;
  std::vector<EntryInfo> entries = ListEntries(store);
  std::vector<EntryInfo> candidates;
  const std::time_t now = std::time(nullptr);
  for (EntryInfo& e : entries) {
    result.bytes_before += e.bytes;
    const bool old_enough = options.older_than == 0 || e.last_used <= now - options.older_than;
    if (options.keep.count(e.key) || !old_enough) {
      result.kept.push_back(std::move(e));
    } else {
      candidates.push_back(std::move(e));
    }
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const EntryInfo& a, const EntryInfo& b) { return a.last_used < b.last_used; });
  uint64_t total = result.bytes_before;
  for (EntryInfo& e : candidates) {
    if (options.max_bytes > 0 && total <= options.max_bytes) {
      result.kept.push_back(std::move(e));
      continue;
    }
    std::optional<FileLock> building = store.TryLockKey(e.key);
    if (!building) {
      result.busy.push_back(e.key);
      result.kept.push_back(std::move(e));
      continue;
    }
    if (!options.dry_run) XSTILTS_RETURN_IF_ERROR(store.Remove(e.key));
    total -= e.bytes;
    result.removed.push_back(std::move(e));
  }
  result.bytes_after = total;
  return result;
}

}  // namespace xstilts
