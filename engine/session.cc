#include "engine/session.h"

#include <cstdio>
#include <cstdlib>

#include "base/messages.h"
#include "graph/diagnostics.h"
#include "graph/pipeline_spec.h"
#include "graph/registry.h"

namespace xstilts {

StoreIndex::StoreIndex(ArtifactStore& store, std::string pipeline_id, RemoteStore* remote)
    : store_(store), refs_(store.ReadRefs(pipeline_id)), remote_(remote) {}

std::optional<nlohmann::json> StoreIndex::RemoteManifest(const std::string& key) {
  if (remote_ == nullptr || remote_failed_) return std::nullopt;
  auto known = manifests_.find(key);
  if (known != manifests_.end()) return known->second;
  Result<std::optional<nlohmann::json>> found = remote_->FindManifest(key);
  if (!found.ok()) {
    if (found.status().kind() != ErrorKind::kCorrupt) {
      PrintWarning(found.status().message() + "; going on with the local cache only");
      remote_failed_ = true;
      return std::nullopt;
    }
    PrintWarning(found.status().message() + "; the entry is built here instead");
    return manifests_[key] = std::nullopt;
  }
  return manifests_[key] = std::move(found.value());
}

bool StoreIndex::Has(const std::string& key) { return store_.IsComplete(key) || RemoteManifest(key).has_value(); }

Status StoreIndex::Verify(const std::string& key) {
  if (!store_.IsComplete(key)) {
    // Only the remote has it, and a stale node is about to read it: download it now. A failure
    // makes the planner rebuild it here (and the upload then replaces the remote's copy).
    std::optional<nlohmann::json> manifest = RemoteManifest(key);
    if (!manifest) return Status::Error(ErrorKind::kNotFound, "entry " + key.substr(0, 12) + " is gone");
    Status fetched = remote_->Fetch(key, *manifest, store_);
    if (!fetched.ok()) {
      manifests_[key] = std::nullopt;
      return Status::Error(ErrorKind::kNotFound, fetched.message());
    }
  }
  std::optional<CacheEntry> entry = store_.Lookup(key);
  if (!entry) return Status::Error(ErrorKind::kNotFound, "entry " + key.substr(0, 12) + " is gone");
  Status verified = store_.Verify(*entry);
  if (!verified.ok()) (void)store_.MoveAside(key);
  return verified;
}

std::optional<nlohmann::json> StoreIndex::Components(const std::string& key) {
  std::optional<CacheEntry> entry = store_.Lookup(key);
  std::optional<nlohmann::json> meta = entry ? std::optional<nlohmann::json>(entry->meta) : RemoteManifest(key);
  if (!meta || !meta->contains("components")) return std::nullopt;
  return (*meta)["components"];
}

std::optional<std::string> StoreIndex::LastKey(const std::string& node) {
  auto it = refs_.find(node);
  if (it == refs_.end()) return std::nullopt;
  return it->second;
}

std::optional<ResolvedPipeline> LoadResolved(const PipelineOptions& options, int& exit_code) {
  Diagnostics diagnostics;
  std::vector<Override> overrides;
  for (const std::string& s : options.set) {
    if (std::optional<Override> o = ParseOverride(s, diagnostics)) overrides.push_back(*o);
  }
  std::optional<PipelineSpec> spec = LoadPipeline(options.pipeline, overrides, diagnostics);
  std::optional<ResolvedPipeline> resolved;
  if (spec) resolved = Resolve(*spec, NodeRegistry::Global(), diagnostics);
  if (!diagnostics.empty() || !resolved) {
    std::fputs(PaintLabels(diagnostics.Render()).c_str(), stderr);
    exit_code = 2;
    return std::nullopt;
  }
  return resolved;
}

std::optional<Session> OpenSession(const PipelineOptions& options, int& exit_code) {
  std::optional<ResolvedPipeline> resolved = LoadResolved(options, exit_code);
  if (!resolved) return std::nullopt;
  Session session;
  session.pipeline = std::move(*resolved);
  Result<std::unique_ptr<ArtifactStore>> store = ArtifactStore::Open(DefaultCacheDir(options.cache_dir));
  if (!store.ok()) {
    PrintError(store.status().message());
    exit_code = kExitEnvironment;
    return std::nullopt;
  }
  session.store = std::move(store.value());
  Result<FileLock> in_use = session.store->LockInUse(false, nullptr, [] {
    PrintNote("waiting for `xstilts cache gc` to finish with this cache");
  });
  // A cache this user cannot write has no lock file to take: reading goes on without it (a run
  // that must write stops later, with exit code kExitEnvironment).
  if (in_use.ok()) session.in_use.emplace(std::move(in_use.value()));
  session.pipeline_id = ArtifactStore::PipelineId(options.pipeline);
  session.hasher = std::make_unique<CachedFileHasher>(session.store->StatCacheDir());
  const char* env_remote = std::getenv("XSTILTS_REMOTE");
  const std::string remote_url = !options.remote.empty() ? options.remote : env_remote ? env_remote : "";
  if (!remote_url.empty()) {
    RemoteStore::Options remote;
    remote.url = remote_url;
    remote.read_only = options.remote_read_only;
    remote.auth.ca_file = options.remote_ca;
    if (const char* token = std::getenv("XSTILTS_REMOTE_TOKEN")) remote.auth.bearer_token = token;
    session.remote = std::make_unique<RemoteStore>(std::move(remote));
  }
  session.index = std::make_unique<StoreIndex>(*session.store, session.pipeline_id, session.remote.get());
  return session;
}

std::optional<Plan> PlanSession(Session& session, const PlanOptions& options, int& exit_code) {
  Result<Plan> plan = MakePlan(session.pipeline, *session.index, *session.hasher, options);
  if (plan.ok()) return std::move(plan.value());
  const std::string& message = plan.status().message();
  for (size_t begin = 0; begin <= message.size();) {
    size_t end = message.find('\n', begin);
    if (end == std::string::npos) end = message.size();
    PrintError(message.substr(begin, end - begin));
    begin = end + 1;
  }
  exit_code = plan.status().kind() == ErrorKind::kInvalidInput ? 2 : 1;
  return std::nullopt;
}

std::optional<Plan> PlanWithoutChanges(Session& session, int& exit_code) {
  PlanOptions options;
  options.verify_inputs = false;
  return PlanSession(session, options, exit_code);
}

std::optional<Plan> PlanAsDryRun(Session& session, int& exit_code) {
  PlanOptions options;
  options.verify_inputs = false;
  options.allow_missing_files = true;
  return PlanSession(session, options, exit_code);
}

}  // namespace xstilts
