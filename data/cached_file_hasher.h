// CachedFileHasher: content hashes of external files (dataset files, exec deps) for cache keys,
// remembered per path with the file's size, mtime and inode, so that unchanged big files are not
// re-read on every run. A changed stat re-hashes; a remembered hash is never trusted otherwise.
// Thread-safe.
#pragma once

#include <filesystem>
#include <mutex>

#include "graph/node_type.h"

namespace xstilts {

class CachedFileHasher : public FileHasher {
 public:
  // Remembers hashes in `dir` (one small JSON file per path). An empty dir disables remembering.
  explicit CachedFileHasher(std::filesystem::path dir) : dir_(std::move(dir)) {}
  std::string Hash(const std::filesystem::path& path) override;
  size_t files_read() const { return files_read_; }  // how many files were actually read

 private:
  std::string HashFile(const std::filesystem::path& path);
  std::filesystem::path dir_;
  std::mutex mutex_;
  size_t files_read_ = 0;
};

}  // namespace xstilts
