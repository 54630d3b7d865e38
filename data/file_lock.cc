#include "data/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <thread>

namespace xstilts {

Result<FileLock> FileLock::Acquire(const std::filesystem::path& path, const std::atomic<bool>* cancel,
                                   const std::function<void()>& on_wait, bool shared) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides (002 in a shared cache)
  if (fd < 0) {
    return Status::Error(ErrorKind::kIo, "cannot open lock file " + path.string() + ": " + std::strerror(errno));
  }
  bool waited = false;
  while (::flock(fd, (shared ? LOCK_SH : LOCK_EX) | LOCK_NB) != 0) {
    if (errno != EWOULDBLOCK && errno != EINTR) {
      std::string err = std::strerror(errno);
      ::close(fd);
      return Status::Error(ErrorKind::kIo, "cannot lock " + path.string() + ": " + err);
    }
    if (cancel && cancel->load()) {
      ::close(fd);
      return Status::Error(ErrorKind::kCancelled, "interrupted while waiting for " + path.string());
    }
    if (!waited && on_wait) on_wait();
    waited = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return FileLock(fd);
}

std::optional<FileLock> FileLock::TryAcquire(const std::filesystem::path& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides (002 in a shared cache)
  if (fd < 0) return std::nullopt;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    ::close(fd);
    return std::nullopt;
  }
  return FileLock(fd);
}

FileLock& FileLock::operator=(FileLock&& other) noexcept {
  std::swap(fd_, other.fd_);
  return *this;
}

FileLock::~FileLock() {
  if (fd_ >= 0) ::close(fd_);  // closing the last descriptor releases the flock
}

}  // namespace xstilts
