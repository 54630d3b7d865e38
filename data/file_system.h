// FileSystem: the file operations the artifact store makes, behind one small interface (as
// leveldb's Env) so tests can make any of them fail on purpose (disk full, failed rename).
// All methods return Status naming the path and the OS error; none throws.
#pragma once

#include <filesystem>
#include <string>

#include "base/status.h"

namespace xstilts {

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Creates or truncates `path`, writes `data`, fsyncs it.
  virtual Status WriteFile(const std::filesystem::path& path, const std::string& data) = 0;
  virtual Result<std::string> ReadFile(const std::filesystem::path& path) = 0;
  // fsync of a file or a directory.
  virtual Status Sync(const std::filesystem::path& path) = 0;
  // rename(2): atomic; fails if `to` is a non-empty directory.
  virtual Status Rename(const std::filesystem::path& from, const std::filesystem::path& to) = 0;
  virtual Status CreateDirectories(const std::filesystem::path& path) = 0;
  virtual Status RemoveAll(const std::filesystem::path& path) = 0;
};

// The real one, over POSIX calls.
FileSystem& DefaultFileSystem();

}  // namespace xstilts
