#include "nodes/archive_unpack.h"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>
#include <stdexcept>

#include "base/input_error.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

struct ArchiveFree {
  void operator()(archive* a) const { archive_read_free(a); }
};

const char* FormatName(ArchiveFormat format) { return format == ArchiveFormat::kTarGz ? "tar.gz" : "zip"; }

std::string ErrorOf(archive* a) {
  const char* e = archive_error_string(a);
  return e ? e : "unknown error";
}

// Writes the current entry's data. pwrite at the block offsets keeps sparse tar members right.
int64_t WriteEntry(archive* a, archive_entry* entry, const fs::path& target, const std::string& name) {
  // O_NOFOLLOW: never write through a link, even one that could not have come from this archive.
  int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw std::runtime_error("cannot create " + target.string() + ": " + std::strerror(errno));
  int64_t end = 0;
  while (true) {
    const void* buffer = nullptr;
    size_t size = 0;
    la_int64_t offset = 0;
    int r = archive_read_data_block(a, &buffer, &size, &offset);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      ::close(fd);
      throw InputError("archive entry '" + name + "': " + ErrorOf(a));
    }
    const char* bytes = static_cast<const char*>(buffer);
    size_t done = 0;
    while (done < size) {
      ssize_t w = ::pwrite(fd, bytes + done, size - done, offset + static_cast<la_int64_t>(done));
      if (w < 0 && errno == EINTR) continue;
      if (w <= 0) {
        ::close(fd);
        throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
      }
      done += static_cast<size_t>(w);
    }
    end = std::max<int64_t>(end, offset + static_cast<int64_t>(size));
  }
  // A trailing hole in a sparse member leaves no data block to extend the file.
  if (archive_entry_size_is_set(entry) && archive_entry_size(entry) > end) {
    end = archive_entry_size(entry);
    if (::ftruncate(fd, end) != 0) {
      ::close(fd);
      throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
    }
  }
  bool executable = (archive_entry_perm(entry) & S_IXUSR) != 0;
  ::fchmod(fd, executable ? 0755 : 0644);
  if (::close(fd) != 0) throw std::runtime_error("cannot write " + target.string() + ": " + std::strerror(errno));
  return end;
}

}  // namespace

std::string SafeEntryPath(const std::string& entry) {
  if (!entry.empty() && entry[0] == '/') {
    throw InputError("archive entry '" + entry + "' is an absolute path; refusing to unpack it");
  }
  std::string clean;
  size_t start = 0;
  while (start <= entry.size()) {
    size_t slash = entry.find('/', start);
    if (slash == std::string::npos) slash = entry.size();
    std::string part = entry.substr(start, slash - start);
    if (part == "..") {
      throw InputError("archive entry '" + entry + "' has a '..' component; refusing to unpack outside the target directory");
    }
    if (!part.empty() && part != ".") clean += (clean.empty() ? "" : "/") + part;
    start = slash + 1;
  }
  return clean;
}

UnpackResult UnpackArchive(const fs::path& path, ArchiveFormat format, const fs::path& dir) {
  std::unique_ptr<archive, ArchiveFree> a(archive_read_new());
  if (!a) throw std::runtime_error("cannot create an archive reader");
  if (format == ArchiveFormat::kTarGz) {
    archive_read_support_filter_gzip(a.get());
    archive_read_support_format_tar(a.get());
  } else {
    archive_read_support_format_zip(a.get());
  }
  if (archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK) {
    throw InputError(std::string("not a readable ") + FormatName(format) + " archive: " + ErrorOf(a.get()));
  }
  fs::create_directories(dir);
  UnpackResult result;
  archive_entry* entry = nullptr;
  while (true) {
    int r = archive_read_next_header(a.get(), &entry);
    if (r == ARCHIVE_EOF) break;
    if (r < ARCHIVE_WARN) {
      throw InputError(std::string("corrupt ") + FormatName(format) + " archive after " +
                       std::to_string(result.files) + " files: " + ErrorOf(a.get()));
    }
    const char* raw = archive_entry_pathname(entry);
    if (!raw) throw InputError("an archive entry has a path that cannot be decoded");
    std::string name = raw;
    std::string relative = SafeEntryPath(name);
    auto filetype = archive_entry_filetype(entry);
    if (archive_entry_hardlink(entry)) {
      result.skipped.push_back(name + " (hard link)");
    } else if (filetype == AE_IFLNK) {
      result.skipped.push_back(name + " (symbolic link)");
    } else if (filetype == AE_IFDIR) {
      if (!relative.empty()) fs::create_directories(dir / relative);
    } else if (filetype != AE_IFREG) {
      result.skipped.push_back(name + " (special file)");
    } else if (relative.empty()) {
      throw InputError("archive entry '" + name + "' is a file without a name");
    } else {
      fs::path target = dir / relative;
      try {
        fs::create_directories(target.parent_path());
      } catch (const fs::filesystem_error& e) {
        throw InputError("archive entry '" + name + "': cannot create its directory: " + e.code().message());
      }
      result.bytes += WriteEntry(a.get(), entry, target, name);
      ++result.files;
    }
  }
  return result;
}

}  // namespace xstilts
