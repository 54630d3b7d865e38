// xstilts cache ls | du | verify | gc | push | pull | init: looking after a cache (docs/cache.md).
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <map>
#include <set>
#include <vector>

#include <fmt/format.h>

#include "base/byte_sizes.h"
#include "base/durations.h"
#include "base/messages.h"
#include "base/parallel_for.h"
#include "cli/cache_commands.h"
#include "data/cache_inventory.h"
#include "engine/cache_gc.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

std::unique_ptr<ArtifactStore> OpenStore(const std::string& cache_dir, int& exit_code) {
  Result<std::unique_ptr<ArtifactStore>> store = ArtifactStore::Open(DefaultCacheDir(cache_dir));
  if (!store.ok()) {
    PrintError(store.status().message());
    exit_code = kExitEnvironment;
    return nullptr;
  }
  return std::move(store.value());
}

// "3d", "5h", "12m", "40s": how long ago `t` was.
std::string Ago(std::time_t t) {
  const std::time_t s = std::max<std::time_t>(0, std::time(nullptr) - t);
  if (s >= 2 * 86400) return std::to_string(s / 86400) + "d";
  if (s >= 2 * 3600) return std::to_string(s / 3600) + "h";
  if (s >= 120) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

// The keys of every node of `pipeline` (with the options' overrides), or nullopt after printing why.
std::optional<std::set<std::string>> PipelineKeys(const PipelineOptions& options, int& exit_code) {
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return std::nullopt;
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return std::nullopt;
  std::set<std::string> keys;
  for (const NodePlan& p : plan->nodes) keys.insert(p.key);
  return keys;
}

enum class Transfer { kMoved, kMissing, kNothingToDo, kFailed };

// Uploads (push) or downloads (pull) one entry.
Transfer TransferOne(Session& session, const std::string& key, const std::string& node, bool push) {
  Status status = Status::Ok();
  if (push) {
    std::optional<CacheEntry> entry = session.store->Lookup(key);
    if (!entry) return Transfer::kMissing;
    status = session.remote->Upload(*entry);
  } else {
    if (session.store->IsComplete(key)) return Transfer::kNothingToDo;
    Result<std::optional<nlohmann::json>> manifest = session.remote->FindManifest(key);
    if (manifest.ok() && !manifest.value()) return Transfer::kMissing;
    status = manifest.ok() ? session.remote->Fetch(key, *manifest.value(), *session.store) : manifest.status();
  }
  if (status.ok()) return Transfer::kMoved;
  PrintError(node + ": " + status.message());
  return Transfer::kFailed;
}

// Entries moved at once by push and pull: transfers wait on the network more than on the CPU.
constexpr size_t kParallelTransfers = 4;

// A remote cache is configured: --remote, else $XSTILTS_REMOTE.
bool HasRemote(const CacheOptions& options) {
  return !options.remote.empty() || std::getenv("XSTILTS_REMOTE") != nullptr;
}

// The current entry of one node of a pipeline, in this cache and in the remote one.
struct TieredEntry {
  std::string key, node, type;
  uint64_t bytes = 0;  // its artifact files, as its metadata lists them
  bool local = false, remote = false;
};

uint64_t ListedBytes(const nlohmann::json& meta) {
  uint64_t bytes = 0;
  if (!meta.contains("files")) return 0;
  for (const auto& [name, info] : meta["files"].items()) bytes += info.value("size", uint64_t{0});
  return bytes;
}

// Every node of the pipeline `options.pipelines` names (with --set) and where its entry is: asks the
// remote for each key's manifest. nullopt after printing why.
std::optional<std::vector<TieredEntry>> PipelineAcrossTiers(const CacheOptions& options, std::string& remote_url,
                                                            int& exit_code) {
  PipelineOptions p;
  p.pipeline = options.pipelines.front();
  p.cache_dir = options.cache_dir;
  p.set = options.set;
  p.remote = options.remote;
  p.remote_ca = options.remote_ca;
  p.remote_read_only = true;
  std::optional<Session> session = OpenSession(p, exit_code);
  if (!session) return std::nullopt;
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return std::nullopt;
  remote_url = session->remote->url();
  std::vector<TieredEntry> entries;
  for (size_t i = 0; i < plan->nodes.size(); ++i) {
    TieredEntry e;
    e.key = plan->nodes[i].key;
    e.node = session->pipeline.nodes[i].name;
    e.type = session->pipeline.nodes[i].type->name;
    std::optional<nlohmann::json> manifest = session->index->RemoteManifest(e.key);
    std::optional<CacheEntry> local = session->store->Lookup(e.key);
    e.local = local.has_value();
    e.remote = manifest.has_value();
    if (local || manifest) e.bytes = ListedBytes(local ? local->meta : *manifest);
    entries.push_back(std::move(e));
  }
  if (!session->remote->usable()) {
    exit_code = kExitEnvironment;  // the warning said why
    return std::nullopt;
  }
  return entries;
}

const char* Where(const TieredEntry& e) {
  return e.local && e.remote ? "both" : e.local ? "local" : e.remote ? "remote" : "-";
}

int LsAcrossTiers(const CacheOptions& options) {
  int exit_code = 0;
  std::string remote_url;
  std::optional<std::vector<TieredEntry>> entries = PipelineAcrossTiers(options, remote_url, exit_code);
  if (!entries) return exit_code;
  std::printf("%-12s  %-28s %-16s %10s  %s\n", "key", "node", "type", "size", ("where (remote: " + remote_url + ")").c_str());
  for (const TieredEntry& e : *entries) {
    std::printf("%-12s  %-28s %-16s %10s  %s\n", e.key.substr(0, 12).c_str(), e.node.c_str(), e.type.c_str(),
                e.local || e.remote ? FormatBytes(static_cast<int64_t>(e.bytes)).c_str() : "-", Where(e));
  }
  return 0;
}

int DuAcrossTiers(const CacheOptions& options) {
  int exit_code = 0;
  std::string remote_url;
  std::optional<std::vector<TieredEntry>> entries = PipelineAcrossTiers(options, remote_url, exit_code);
  if (!entries) return exit_code;
  for (const bool remote : {false, true}) {
    std::map<std::string, std::pair<uint64_t, int>> by_type;
    uint64_t total = 0;
    int held = 0;
    for (const TieredEntry& e : *entries) {
      if (!(remote ? e.remote : e.local)) continue;
      by_type[e.type].first += e.bytes;
      ++by_type[e.type].second;
      total += e.bytes;
      ++held;
    }
    std::printf("%s: %s in %d of the %zu entries of %s\n", remote ? remote_url.c_str() : "this cache",
                FormatBytes(static_cast<int64_t>(total)).c_str(), held, entries->size(), options.pipelines.front().c_str());
    for (const auto& [type, size] : by_type) {
      std::printf("  %10s  %4d  %s\n", FormatBytes(static_cast<int64_t>(size.first)).c_str(), size.second, type.c_str());
    }
  }
  return 0;
}

}  // namespace

int CacheLsCommand(const CacheOptions& options) {
  if (!options.pipelines.empty() && HasRemote(options)) return LsAcrossTiers(options);
  if (!options.remote.empty()) {
    PrintError("cache ls --remote needs --pipeline P: a remote cache over HTTP cannot be listed, only asked for a pipeline's keys");
    return 2;
  }
  int exit_code = 0;
  std::unique_ptr<ArtifactStore> store = OpenStore(options.cache_dir, exit_code);
  if (!store) return exit_code;
  std::string only;
  if (!options.pipelines.empty()) only = fs::absolute(options.pipelines.front()).lexically_normal().string();
  std::vector<EntryInfo> entries = ListEntries(*store);
  std::sort(entries.begin(), entries.end(), [](const EntryInfo& a, const EntryInfo& b) {
    return a.pipeline != b.pipeline ? a.pipeline < b.pipeline : a.node < b.node;
  });
  std::printf("%-12s  %-28s %-16s %10s %6s %8s\n", "key", "node", "type", "size", "built", "used");
  for (const EntryInfo& e : entries) {
    if (!only.empty() && fs::path(e.pipeline).lexically_normal().string() != only) continue;
    std::printf("%-12s  %-28s %-16s %10s %6s %8s\n", e.key.substr(0, 12).c_str(), e.node.c_str(), e.type.c_str(),
                FormatBytes(static_cast<int64_t>(e.bytes)).c_str(), Ago(e.built).c_str(), Ago(e.last_used).c_str());
  }
  return 0;
}

int CacheDuCommand(const CacheOptions& options) {
  if (!options.pipelines.empty()) {
    if (HasRemote(options)) return DuAcrossTiers(options);
    PrintError("cache du --pipeline P compares this cache with a remote one: give --remote URL");
    return 2;
  }
  if (!options.remote.empty()) {
    PrintError("cache du --remote needs --pipeline P: a remote cache over HTTP cannot be listed, only asked for a pipeline's keys");
    return 2;
  }
  int exit_code = 0;
  std::unique_ptr<ArtifactStore> store = OpenStore(options.cache_dir, exit_code);
  if (!store) return exit_code;
  std::map<std::string, std::pair<uint64_t, int>> by_type, by_pipeline;
  uint64_t total = 0;
  const std::vector<EntryInfo> entries = ListEntries(*store);
  for (const EntryInfo& e : entries) {
    by_type[e.type].first += e.bytes;
    ++by_type[e.type].second;
    const std::string pipeline = e.pipeline.empty() ? "?" : fs::path(e.pipeline).filename().string();
    by_pipeline[pipeline].first += e.bytes;
    ++by_pipeline[pipeline].second;
    total += e.bytes;
  }
  std::printf("%s in %zu entries (%s)\n", FormatBytes(static_cast<int64_t>(total)).c_str(), entries.size(),
              store->root().string().c_str());
  for (const auto& [title, groups] : {std::pair{"by node type", &by_type}, std::pair{"by pipeline", &by_pipeline}}) {
    std::printf("%s:\n", title);
    std::vector<std::pair<std::string, std::pair<uint64_t, int>>> rows(groups->begin(), groups->end());
    std::sort(rows.begin(), rows.end(), [](const auto& a, const auto& b) { return a.second.first > b.second.first; });
    for (const auto& [name, size] : rows) {
      std::printf("  %10s  %4d  %s\n", FormatBytes(static_cast<int64_t>(size.first)).c_str(), size.second, name.c_str());
    }
  }
  return 0;
}

int CacheVerifyCommand(const CacheOptions& options) {
  int exit_code = 0;
  std::unique_ptr<ArtifactStore> store = OpenStore(options.cache_dir, exit_code);
  if (!store) return exit_code;
  size_t corrupt = 0;
  const std::vector<EntryInfo> entries = ListEntries(*store);
  for (const EntryInfo& e : entries) {
    Status verified = store->Verify(CacheEntry{e.key, e.dir, e.meta});
    if (verified.ok()) continue;
    ++corrupt;
    std::string line = e.key.substr(0, 12) + " (" + e.node + "): " + verified.message();
    if (options.repair) {
      Status moved = store->MoveAside(e.key);
      line += moved.ok() ? "; moved to corrupt/, the next run rebuilds it" : "; cannot move it aside: " + moved.message();
    }
    PrintError(line);
  }
  std::printf("%zu entries checked, %zu corrupt%s\n", entries.size(), corrupt,
              corrupt && !options.repair ? " (--repair moves them aside)" : "");
  return corrupt ? 1 : 0;
}

int CacheGcCommand(const CacheOptions& options, const std::atomic<bool>* cancel) {
  if (!options.remote.empty()) {
    PrintError("cache gc cleans this cache only: a remote cache over HTTP cannot be listed, so its server evicts "
               "(bazel-remote --max_size; for nginx, docs/cache.md shows a cron line)");
    return 2;
  }
  GcOptions gc;
  gc.dry_run = options.dry_run;
  if (!options.max_size.empty() && !ParseBytes(options.max_size, gc.max_bytes)) {
    PrintError("--max-size: expected a size such as 500M or 20G, got '" + options.max_size + "'");
    return 2;
  }
  int64_t older_than = 0;
  if (!options.older_than.empty() && !ParseDuration(options.older_than, older_than)) {
    PrintError("--older-than: expected an age such as 30d, 12h or 2w, got '" + options.older_than + "'");
    return 2;
  }
  gc.older_than = static_cast<std::time_t>(older_than);
  int exit_code = 0;
  for (const std::string& pipeline : options.pipelines) {
    PipelineOptions p;
    p.pipeline = pipeline;
    p.cache_dir = options.cache_dir;
    p.set = options.set;
    std::optional<std::set<std::string>> keys = PipelineKeys(p, exit_code);
    if (!keys) return exit_code;
    gc.keep.insert(keys->begin(), keys->end());
  }
  std::unique_ptr<ArtifactStore> store = OpenStore(options.cache_dir, exit_code);
  if (!store) return exit_code;
  Result<GcResult> result = CollectGarbage(*store, gc, cancel, [] {
    PrintNote("waiting for the commands using this cache to end (Ctrl-C to give up)");
  });
  if (!result.ok()) {
    PrintError(result.status().message());
    return result.status().kind() == ErrorKind::kCancelled ? 130 : kExitEnvironment;
  }
  uint64_t removed = 0;
  for (const EntryInfo& e : result->removed) {
    removed += e.bytes;
    std::printf("%s %s (%s, %s, used %s ago)\n", gc.dry_run ? "would remove" : "removed", e.key.substr(0, 12).c_str(),
                e.node.c_str(), FormatBytes(static_cast<int64_t>(e.bytes)).c_str(), Ago(e.last_used).c_str());
  }
  for (const std::string& key : result->busy) PrintNote(key.substr(0, 12) + " is being built by another process: kept");
  std::printf("%s %zu entries (%s); kept %zu (%s)\n", gc.dry_run ? "would remove" : "removed", result->removed.size(),
              FormatBytes(static_cast<int64_t>(removed)).c_str(), result->kept.size(),
              FormatBytes(static_cast<int64_t>(result->bytes_after)).c_str());
  return 0;
}


int CacheTransferCommand(const PipelineOptions& options, bool push) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  if (!session->remote) {
    PrintError(std::string("cache ") + (push ? "push" : "pull") + " needs a remote cache: --remote URL or $XSTILTS_REMOTE");
    return 2;
  }
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return exit_code;
  std::atomic<size_t> counts[4] = {0, 0, 0, 0};  // by Transfer
  ForEachInParallel(plan->nodes.size(), kParallelTransfers, [&](size_t i) {
    ++counts[static_cast<int>(TransferOne(*session, plan->nodes[i].key, session->pipeline.nodes[i].name, push))];
  });
  const size_t moved = counts[static_cast<int>(Transfer::kMoved)], missing = counts[static_cast<int>(Transfer::kMissing)],
               failed = counts[static_cast<int>(Transfer::kFailed)];
  const RemoteStore::Counts& totals = session->remote->counts();
  std::printf("%s %zu entries (%lld files, %s) %s %s; %zu not built yet%s\n", push ? "pushed" : "pulled", moved,
              static_cast<long long>(push ? totals.blobs_uploaded.load() : totals.blobs_downloaded.load()),
              FormatBytes(push ? totals.bytes_uploaded.load() : totals.bytes_downloaded.load()).c_str(),
              push ? "to" : "from", session->remote->url().c_str(), missing,
              failed ? (", " + std::to_string(failed) + " failed").c_str() : "");
  return failed ? 1 : 0;
}

int CacheInitCommand(const CacheOptions& options) {
  Status made = ArtifactStore::InitShared(options.cache_dir, options.group);
  if (!made.ok()) {
    PrintError(made.message());
    return made.kind() == ErrorKind::kNotFound ? 2 : kExitEnvironment;
  }
  std::printf("%s: a cache for group %s (its folders group-writable and setgid; xstilts keeps new files so)\n",
              options.cache_dir.c_str(), options.group.c_str());
  return 0;
}

}  // namespace xstilts
