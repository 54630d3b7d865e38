// CachedFileHasher: content hashes of external files (dataset files, exec deps) for cache keys,
// remembered per path with the file's device, inode, size, mtime and ctime, so that unchanged big
// files are not re-read on every run. Any write changes the ctime (which no user can set back,
// unlike the mtime that `cp -p` and rsync preserve), so a changed stat re-hashes, and a
// remembered hash is never trusted otherwise. Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>
#include <string>

#include "graph/node_type.h"

namespace xstilts {

class CachedFileHasher : public FileHasher {
 public:
  // Remembers hashes in `dir` (one small JSON file per path). An empty dir disables remembering.
  explicit CachedFileHasher(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::string Hash(const std::filesystem::path& path) override;
  size_t files_read() const { return files_read_; }  // how many files were actually read

 private:
  std::string HashRegularFile(const std::filesystem::path& path);
  std::filesystem::path dir_;
  std::mutex mutex_;
  size_t files_read_ = 0;
};

// The same hash as CachedFileHasher::Hash, always read from the content (nothing remembered):
// for checking that a file still holds what a key says. Throws like FileHasher::Hash.
std::string HashContent(const std::filesystem::path& path);

}  // namespace xstilts
