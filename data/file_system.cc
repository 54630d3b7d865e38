#include "data/file_system.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

namespace xstilts {
namespace {

Status Errno(const std::string& what, const std::filesystem::path& path) {
  int err = errno;
  return Status::Error(err == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                       what + " " + path.string() + ": " + std::strerror(err));
}

class PosixFileSystem : public FileSystem {
 public:
  Status WriteFile(const std::filesystem::path& path, const std::string& data) override {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);  // the umask decides
    if (fd < 0) return Errno("cannot create", path);
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n = ::write(fd, data.data() + done, data.size() - done);
      if (n < 0) {
        if (errno == EINTR) continue;
        Status s = Errno("cannot write", path);
        ::close(fd);
        return s;
      }
      done += static_cast<size_t>(n);
    }
    if (::fsync(fd) != 0) {
      Status s = Errno("cannot fsync", path);
      ::close(fd);
      return s;
    }
    if (::close(fd) != 0) return Errno("cannot close", path);
    return Status::Ok();
  }

  Result<std::string> ReadFile(const std::filesystem::path& path) override {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Errno("cannot read", path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }

  Status Sync(const std::filesystem::path& path) override {
    int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return Errno("cannot open", path);
    int rc = ::fsync(fd);
    Status s = rc == 0 ? Status::Ok() : Errno("cannot fsync", path);
    ::close(fd);
    return s;
  }

  Status Rename(const std::filesystem::path& from, const std::filesystem::path& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return Errno("cannot rename " + from.string() + " to", to);
    return Status::Ok();
  }

  Status CreateDirectories(const std::filesystem::path& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status::Error(ErrorKind::kIo, "cannot create directory " + path.string() + ": " + ec.message());
    return Status::Ok();
  }

  Status RemoveAll(const std::filesystem::path& path) override {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);
    if (ec) return Status::Error(ErrorKind::kIo, "cannot remove " + path.string() + ": " + ec.message());
    return Status::Ok();
  }
};

}  // namespace

FileSystem& DefaultFileSystem() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace xstilts
