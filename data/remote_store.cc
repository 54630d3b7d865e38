#include "data/remote_store.h"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>
#include <vector>

#include "base/parallel_for.h"
#include "base/sha256.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

bool IsTransientReply(const Reply& reply) {
  return reply.status == 0 || reply.status == 408 || reply.status == 429 || reply.status >= 500;
}

// "HTTP 401 (check the credentials: $XSTILTS_REMOTE_TOKEN, user:password in the URL, ~/.netrc)".
std::string Describe(const Reply& reply) {
  if (reply.status == 0) {
    return reply.error.find("certificate") == std::string::npos ? reply.error
                                                                 : reply.error + " (--remote-ca FILE names a CA to trust)";
  }
  std::string text = "HTTP " + std::to_string(reply.status);
  if (reply.status == 401 || reply.status == 403) {
    text += " (check the credentials: $XSTILTS_REMOTE_TOKEN, user:password in the URL, or ~/.netrc)";
  }
  return text;
}

// A plain artifact file name: [A-Za-z0-9_][A-Za-z0-9_.-]*\.h5 (no '/', no leading dot).
bool PlainArtifactName(const std::string& name) {
  if (name.size() < 4 || name.compare(name.size() - 3, 3, ".h5") != 0) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(name[i]);
    if (!(std::isalnum(c) || c == '_' || (i > 0 && (c == '.' || c == '-')))) return false;
  }
  return true;
}

bool Sha256HexDigits(const std::string& text) {
  return text.size() == 64 &&
         std::all_of(text.begin(), text.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

// Files of one entry moved at once: a model entry has several, and one connection rarely fills the
// link (nor one core the hashing).
constexpr size_t kParallelFiles = 4;

struct Blob {
  std::string name, sha256;
};
// The files of an entry's "files" (name -> {size, sha256}).
std::vector<Blob> Blobs(const nlohmann::json& files) {
  std::vector<Blob> blobs;
  for (const auto& [name, info] : files.items()) blobs.push_back({name, info["sha256"].get<std::string>()});
  return blobs;
}

}  // namespace

Result<nlohmann::json> ParseManifest(const std::string& text, const std::string& key) {
  const auto corrupt = [&](const std::string& what) {
    return Status::Error(ErrorKind::kCorrupt, "remote manifest of entry " + key.substr(0, 12) + ": " + what);
  };
  const nlohmann::json manifest = nlohmann::json::parse(text, nullptr, false);
  if (manifest.is_discarded() || !manifest.is_object()) return corrupt("not a JSON object");
  if (!manifest.contains("key") || manifest["key"] != key) return corrupt("it names another key");
  if (!manifest.contains("files") || !manifest["files"].is_object() || manifest["files"].empty()) {
    return corrupt("no files");
  }
  for (const auto& [name, info] : manifest["files"].items()) {
    if (!PlainArtifactName(name)) return corrupt("bad file name '" + name.substr(0, 80) + "'");
    if (!info.is_object() || !info.contains("size") || !info["size"].is_number_unsigned() || !info.contains("sha256") ||
        !info["sha256"].is_string() || !Sha256HexDigits(info["sha256"].get<std::string>())) {
      return corrupt("file '" + name + "' needs a size and a sha256");
    }
  }
  return manifest;
}

bool RemoteStore::usable() const {
  std::lock_guard<std::mutex> guard(mutex_);
  return unreachable_.empty();
}

RemoteStore::RemoteStore(Options options) : options_(std::move(options)) {
  base_ = options_.url;
  while (!base_.empty() && base_.back() == '/') base_.pop_back();
  shown_url_ = RedactUrl(base_);
}

std::string RemoteStore::Url(const std::string& path) const { return base_ + "/" + path; }

Reply RemoteStore::Send(RequestOptions request) {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!unreachable_.empty()) return Reply{0, "", unreachable_ + " (not asked again in this run)"};
  }
  request.auth = options_.auth;
  Reply reply;
  for (int attempt = 0;; ++attempt) {
    reply = Request(request);
    if (!IsTransientReply(reply) || attempt >= options_.retries) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.backoff_seconds * (1 << attempt)));
  }
  if (reply.status == 0 || reply.status >= 500) {  // no reply, or a failing server, after the retries
    std::lock_guard<std::mutex> guard(mutex_);
    unreachable_ = reply.status == 0 ? reply.error : "HTTP " + std::to_string(reply.status);
  }
  return reply;
}

Result<std::optional<nlohmann::json>> RemoteStore::FindManifest(const std::string& key) {
  RequestOptions request;
  request.url = Url("ac/" + key);
  request.max_reply_bytes = 16 << 20;
  const Reply reply = Send(request);
  if (reply.status == 404) return std::optional<nlohmann::json>();
  if (reply.status != 200) {
    return Status::Error(ErrorKind::kIo, "remote cache " + shown_url_ + ": " + Describe(reply));
  }
  ++counts_.manifests_read;
  Result<nlohmann::json> manifest = ParseManifest(reply.body, key);
  if (!manifest.ok()) return manifest.status();
  return std::optional<nlohmann::json>(std::move(manifest.value()));
}

Result<std::string> RemoteStore::FetchBlob(const std::string& sha256, const fs::path& file) {
  TransferOptions transfer;
  transfer.url = Url("cas/" + sha256);
  transfer.file = file;
  transfer.auth = options_.auth;
  transfer.stall_timeout_seconds = 60;
  // The bytes are hashed as they arrive, also across a resume that continues where the file ends;
  // a server that restarts from byte 0 or sends overlapping bytes makes it hash the file instead.
  BackgroundSha256 digest;  // hashes while curl receives: the two overlap on two cores
  int64_t hashed = 0;
  bool streamed = true;
  transfer.on_body = [&](const char* data, size_t size, int64_t offset) {
    if (!streamed || offset != hashed) {
      streamed = false;
      return;
    }
    digest.Update(data, size);
    hashed += static_cast<int64_t>(size);
  };
  TransferResult result;
  // A dropped connection leaves the bytes received in `file`; the next attempt asks for the rest.
  for (int attempt = 0;; ++attempt) {
    result = FetchToFile(transfer);
    counts_.bytes_downloaded += result.bytes_received;
    if (result.outcome == TransferOutcome::kComplete || !IsTransient(result) || attempt >= options_.retries) break;
    std::this_thread::sleep_for(std::chrono::duration<double>(options_.backoff_seconds * (1 << attempt)));
  }
  if (result.outcome != TransferOutcome::kComplete) {
    return Status::Error(ErrorKind::kIo, "remote cache " + shown_url_ + ": cannot download blob " + sha256.substr(0, 12) +
                                             ": " + result.error);
  }
  ++counts_.blobs_downloaded;
  if (streamed && hashed == static_cast<int64_t>(fs::file_size(file))) return digest.HexFinal();
  try {
    return Sha256File(file);
  } catch (const std::exception& e) {
    return Status::Error(ErrorKind::kIo, e.what());
  }
}

Status RemoteStore::Fetch(const std::string& key, const nlohmann::json& manifest, ArtifactStore& store) {
  Result<FileLock> lock = store.LockKey(key, nullptr);
  if (!lock.ok()) return lock.status();
  if (store.Lookup(key)) return Status::Ok();  // published meanwhile
  Result<fs::path> tmp = store.CreateTempDir(key);
  if (!tmp.ok()) return tmp.status();
  const std::vector<Blob> blobs = Blobs(manifest["files"]);
  std::vector<Status> fetched(blobs.size(), Status::Ok());
  ForEachInParallel(blobs.size(), kParallelFiles, [&](size_t i) {
    const auto& [name, sha256] = blobs[i];
    Result<std::string> hashed = FetchBlob(sha256, *tmp / name);
    if (!hashed.ok()) {
      fetched[i] = hashed.status();
    } else if (hashed.value() != sha256) {
      {
        std::lock_guard<std::mutex> guard(mutex_);
        bad_blobs_.insert(sha256);
      }
      fetched[i] = Status::Error(ErrorKind::kCorrupt, "remote cache " + shown_url_ + ": blob of " + name + " (entry " +
                                                          key.substr(0, 12) + ") has sha256 " + hashed.value() +
                                                          ", the manifest says " + sha256 + "; not used");
    }
  });
  for (const Status& status : fetched) {
    if (status.ok()) continue;
    std::error_code ec;
    fs::remove_all(*tmp, ec);
    return status;
  }
  nlohmann::json meta = manifest;
  const nlohmann::json files = meta["files"];
  meta.erase("files");
  return store.Publish(*tmp, key, meta, &files, /*hashed=*/true);
}

Status RemoteStore::PutBlob(const std::string& sha256, const fs::path& file) {
  bool known_bad = false;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    known_bad = bad_blobs_.count(sha256) > 0;
  }
  if (!known_bad) {
    RequestOptions head;
    head.method = "HEAD";
    head.url = Url("cas/" + sha256);
    const Reply there = Send(head);
    if (there.status == 200) return Status::Ok();
    if (there.status != 404) return Status::Error(ErrorKind::kIo, "remote cache " + shown_url_ + ": " + Describe(there));
  }
  RequestOptions put;
  put.method = "PUT";
  put.url = Url("cas/" + sha256);
  put.body_file = file;
  const Reply reply = Send(put);
  if (reply.status < 200 || reply.status >= 300) {
    return Status::Error(ErrorKind::kIo, "remote cache " + shown_url_ + ": upload refused: " + Describe(reply));
  }
  ++counts_.blobs_uploaded;
  counts_.bytes_uploaded += static_cast<int64_t>(fs::file_size(file));
  std::lock_guard<std::mutex> guard(mutex_);
  bad_blobs_.erase(sha256);
  return Status::Ok();
}

Status RemoteStore::Upload(const CacheEntry& entry) {
  if (options_.read_only) return Status::Ok();
  const std::vector<Blob> blobs = Blobs(entry.meta["files"]);
  std::vector<Status> put_blobs(blobs.size(), Status::Ok());
  ForEachInParallel(blobs.size(), kParallelFiles,
                    [&](size_t i) { put_blobs[i] = PutBlob(blobs[i].sha256, entry.dir / blobs[i].name); });
  for (const Status& status : put_blobs) {
    if (!status.ok()) return status;  // no manifest: it would name a missing blob
  }
  RequestOptions put;
  put.method = "PUT";
  put.url = Url("ac/" + entry.key);
  put.body = entry.meta.dump();
  const Reply reply = Send(put);
  if (reply.status < 200 || reply.status >= 300) {
    return Status::Error(ErrorKind::kIo, "remote cache " + shown_url_ + ": upload refused: " + Describe(reply));
  }
  return Status::Ok();
}

}  // namespace xstilts
