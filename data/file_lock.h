// FileLock: an advisory lock (flock) on a lock file, exclusive or shared, released on destruction
// and by the kernel when the process dies, even by SIGKILL, so a crashed run never leaves a key
// locked.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>

#include "base/status.h"

namespace xstilts {

class FileLock {
 public:
  // Waits for the lock, polling `cancel` (kCancelled if it becomes true). `on_wait` is called once
  // if the lock is busy, so the caller can say that it is waiting for another process.
  // `shared`: a shared lock, which any number of holders may have while nobody holds it exclusively.
  static Result<FileLock> Acquire(const std::filesystem::path& path, const std::atomic<bool>* cancel,
                                  const std::function<void()>& on_wait = nullptr, bool shared = false);
  // Returns nullopt when another process holds it.
  static std::optional<FileLock> TryAcquire(const std::filesystem::path& path);

  FileLock(FileLock&& other) noexcept : fd_(other.fd_) { other.fd_ = -1; }
  FileLock& operator=(FileLock&& other) noexcept;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  ~FileLock();

 private:
  explicit FileLock(int fd) : fd_(fd) {}
  int fd_ = -1;
};

}  // namespace xstilts
