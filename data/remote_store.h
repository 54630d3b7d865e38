// RemoteStore: the remote tier of the cache, over HTTP in the layout of Bazel's HTTP cache, so that
// nginx with WebDAV, bazel-remote or any server that takes PUT can host it (docs/cache.md):
//   URL/cas/<sha256>   each artifact file, named by the SHA-256 of its bytes
//   URL/ac/<key>       an entry's manifest: its meta.json (the files with their sizes and SHA-256,
//                      and the metadata), uploaded after the files as the commit marker, so that
//                      an interrupted upload never leaves a manifest naming a missing file
//
// Nothing from the remote is trusted. A manifest is checked before use (ParseManifest). Files are
// downloaded into a temp directory of the local store, resumed with Range after a dropped
// connection, hashed on the way, and published there only when each hashes to what the manifest
// says; else Fetch fails naming both hashes, nothing is published, and the blob is remembered as
// bad so that a later Upload replaces it. The files of one entry move up to 4 at once, each
// streamed (bounded memory whatever their size). Transient failures (no reply, 408, 429, 5xx) are
// retried with exponential backoff; once a request gets no reply or a server error after them,
// later ones fail at once, so a server that is down or failing costs one timeout per run.
// Messages name the server by its redacted URL: no credentials.
//
// Thread-safety: all methods may be called from several threads at once.
#pragma once

#include <atomic>
#include <mutex>
#include <optional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "data/artifact_store.h"
#include "data/http_transfer.h"

namespace xstilts {

// Checks a manifest's text for entry `key`: a JSON object whose "key" is `key` and whose "files"
// map plain .h5 names to a size and a 64-hex-digit SHA-256. kCorrupt naming the problem.
Result<nlohmann::json> ParseManifest(const std::string& text, const std::string& key);

class RemoteStore {
 public:
  struct Options {
    std::string url;         // the base URL; user:password@ in it is sent as basic auth
    HttpAuth auth;
    bool read_only = false;  // never upload
    int retries = 3;         // more attempts after a transient failure
    double backoff_seconds = 0.2;
  };
  explicit RemoteStore(Options options);

  const std::string& url() const { return shown_url_; }  // redacted
  bool read_only() const { return options_.read_only; }
  // False once a request got no reply, or a 5xx, after its retries: nothing more is asked.
  bool usable() const;

  // The manifest of entry `key`; nullopt when the remote has none. kIo when the remote cannot be
  // asked (unreachable, refusing), kCorrupt when the manifest is malformed.
  Result<std::optional<nlohmann::json>> FindManifest(const std::string& key);
  // Downloads the files of `manifest` and publishes them in `store` as entry `key` (under the
  // key's lock; nothing to do when another process published it meanwhile).
  Status Fetch(const std::string& key, const nlohmann::json& manifest, ArtifactStore& store);
  // Uploads a local entry: each file the remote lacks (asked with HEAD) or holds damaged, then
  // the manifest. kIo naming the status on failure (401/403: the credentials).
  Status Upload(const CacheEntry& entry);

  struct Counts {
    std::atomic<int64_t> manifests_read{0}, blobs_downloaded{0}, blobs_uploaded{0}, bytes_downloaded{0},
        bytes_uploaded{0};
  };
  const Counts& counts() const { return counts_; }

 private:
  std::string Url(const std::string& path) const;
  // One request with retries; the final reply.
  Reply Send(RequestOptions request);
  // Downloads one blob into `file`; the SHA-256 of what arrived.
  Result<std::string> FetchBlob(const std::string& sha256, const std::filesystem::path& file);
  Status PutBlob(const std::string& sha256, const std::filesystem::path& file);

  Options options_;
  std::string base_;        // options_.url without a trailing slash
  std::string shown_url_;
  Counts counts_;
  mutable std::mutex mutex_;
  std::set<std::string> bad_blobs_;  // hashes whose remote bytes did not match
  std::string unreachable_;          // why the remote is not asked any more ("" while it is)
};

}  // namespace xstilts
