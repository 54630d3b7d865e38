#include "cluster/node_job.h"

#include <unistd.h>

#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "data/file_system.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// Written next to `path` under a name of this process, then renamed over it.
Status WriteJsonAtomically(const fs::path& path, const nlohmann::json& json) {
  FileSystem& files = DefaultFileSystem();
  XSTILTS_RETURN_IF_ERROR(files.CreateDirectories(path.parent_path()));
  const fs::path tmp = path.string() + ".tmp." + std::to_string(::getpid());
  XSTILTS_RETURN_IF_ERROR(files.WriteFile(tmp, json.dump() + "\n"));
  return files.Rename(tmp, path);
}

std::optional<nlohmann::json> ReadJson(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json json = nlohmann::json::parse(text.str(), nullptr, /*allow_exceptions=*/false);
  if (json.is_discarded() || !json.is_object()) return nlohmann::json();
  return json;
}

constexpr AttemptOutcome kOutcomes[] = {AttemptOutcome::kRan, AttemptOutcome::kCached, AttemptOutcome::kBusy,
                                        AttemptOutcome::kFailed, AttemptOutcome::kInterrupted};

}  // namespace

const char* AttemptOutcomeName(AttemptOutcome outcome) {
  switch (outcome) {
    case AttemptOutcome::kRan: return "ran";
    case AttemptOutcome::kCached: return "cached";
    case AttemptOutcome::kBusy: return "busy";
    case AttemptOutcome::kFailed: return "failed";
    case AttemptOutcome::kInterrupted: return "interrupted";
  }
  return "?";
}

fs::path NodeJobSpecPath(const fs::path& job_dir) { return job_dir / "spec.json"; }
fs::path NodeJobLogPattern(const fs::path& job_dir) { return job_dir / "slurm-%j.log"; }
fs::path NodeJobLog(const fs::path& job_dir, const std::string& job_id) { return job_dir / ("slurm-" + job_id + ".log"); }
fs::path NodeJobClaimPath(const fs::path& job_dir) { return job_dir / "claim.lock"; }
fs::path AttemptPath(const fs::path& job_dir, const std::string& job_id) {
  return job_dir / ("attempt-" + job_id + ".json");
}

Status WriteNodeJobSpec(const fs::path& path, const NodeJobSpec& spec) {
  return WriteJsonAtomically(path, {{"pipeline", spec.pipeline},
                                    {"set", spec.set},
                                    {"cache", spec.cache},
                                    {"node", spec.node},
                                    {"key", spec.key},
                                    {"force", spec.force},
                                    {"remote", spec.remote},
                                    {"remote_read_only", spec.remote_read_only},
                                    {"remote_ca", spec.remote_ca},
                                    {"run_log", spec.run_log},
                                    {"submitted_at", spec.submitted_at}});
}

Result<NodeJobSpec> ReadNodeJobSpec(const fs::path& path) {
  std::optional<nlohmann::json> json = ReadJson(path);
  if (!json) return Status::Error(ErrorKind::kNotFound, path.string() + ": no such node spec");
  try {
    NodeJobSpec spec;
    spec.pipeline = json->at("pipeline").get<std::string>();
    spec.set = json->at("set").get<std::vector<std::string>>();
    spec.cache = json->at("cache").get<std::string>();
    spec.node = json->at("node").get<std::string>();
    spec.key = json->at("key").get<std::string>();
    spec.run_log = json->at("run_log").get<std::string>();
    spec.force = json->at("force").get<bool>();
    spec.remote = json->at("remote").get<std::string>();
    spec.remote_read_only = json->at("remote_read_only").get<bool>();
    spec.remote_ca = json->at("remote_ca").get<std::string>();
    spec.submitted_at = json->at("submitted_at").get<double>();
    return spec;
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(ErrorKind::kCorrupt, path.string() + ": not a node spec written by `xstilts run` (" +
                                                  std::string(e.what()) + ")");
  }
}

Status WriteAttempt(const fs::path& path, const AttemptRecord& attempt) {
  return WriteJsonAtomically(path, {{"outcome", AttemptOutcomeName(attempt.outcome)},
                                    {"message", attempt.message},
                                    {"host", attempt.host},
                                    {"restarts", attempt.restarts}});
}

std::optional<AttemptRecord> ReadAttempt(const fs::path& path) {
  std::optional<nlohmann::json> json = ReadJson(path);
  if (!json || json->is_null()) return std::nullopt;
  AttemptRecord attempt;
  const std::string outcome = json->value("outcome", "");
  bool known = false;
  for (AttemptOutcome o : kOutcomes) {
    if (outcome == AttemptOutcomeName(o)) {
      attempt.outcome = o;
      known = true;
    }
  }
  if (!known) return std::nullopt;
  attempt.message = json->value("message", "");
  attempt.host = json->value("host", "");
  attempt.restarts = json->value("restarts", 0);
  return attempt;
}

}  // namespace xstilts
