#include "engine/session.h"

#include <cstdio>

#include "base/messages.h"
#include "graph/diagnostics.h"
#include "graph/pipeline_spec.h"
#include "graph/registry.h"

namespace xstilts {

StoreIndex::StoreIndex(ArtifactStore& store, std::string pipeline_id)
    : store_(store), refs_(store.ReadRefs(pipeline_id)) {}

bool StoreIndex::Has(const std::string& key) { return store_.IsComplete(key); }

Status StoreIndex::Verify(const std::string& key) {
  std::optional<CacheEntry> entry = store_.Lookup(key);
  if (!entry) return Status::Error(ErrorKind::kNotFound, "entry " + key.substr(0, 12) + " is gone");
  Status verified = store_.Verify(*entry);
  if (!verified.ok()) (void)store_.MoveAside(key);
  return verified;
}

std::optional<nlohmann::json> StoreIndex::Components(const std::string& key) {
  std::optional<CacheEntry> entry = store_.Lookup(key);
  if (!entry || !entry->meta.contains("components")) return std::nullopt;
  return entry->meta["components"];
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
  session.pipeline_id = ArtifactStore::PipelineId(options.pipeline);
  session.hasher = std::make_unique<CachedFileHasher>(session.store->StatCacheDir());
  session.index = std::make_unique<StoreIndex>(*session.store, session.pipeline_id);
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

}  // namespace xstilts
