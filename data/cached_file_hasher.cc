#include "data/cached_file_hasher.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <functional>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace fs = std::filesystem;

namespace xstilts {

namespace {

// Stats `path` and refuses anything but a regular file or a directory (a FIFO would block
// planning in open(), a device would never end). Returns whether it is a directory.
bool IsDirectoryElseRegular(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw std::runtime_error(path.string() + ": no such file or directory");
  if (fs::is_directory(status)) return true;
  if (!fs::is_regular_file(status)) throw std::runtime_error(path.string() + ": not a regular file or a directory");
  return false;
}

// A directory's hash: of its sorted (relative path, file hash) list, regular files only.
std::string HashTree(const fs::path& path, const std::function<std::string(const fs::path&)>& hash_file) {
  if (!IsDirectoryElseRegular(path)) return hash_file(path);
  std::vector<std::pair<std::string, std::string>> listing;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) listing.emplace_back(it->path().lexically_relative(path).string(), hash_file(it->path()));
  }
  if (ec) throw std::runtime_error(path.string() + ": cannot list directory: " + ec.message());
  std::sort(listing.begin(), listing.end());
  std::string text;
  for (const auto& [name, hash] : listing) text += name + '\0' + hash + '\n';
  return Sha256Hex(text);
}

nlohmann::json Fingerprint(const fs::path& absolute, const struct stat& st) {
  auto ns = [](const timespec& t) { return static_cast<int64_t>(t.tv_sec) * 1000000000 + t.tv_nsec; };
  return {{"path", absolute.string()},
          {"device", static_cast<int64_t>(st.st_dev)},
          {"inode", static_cast<int64_t>(st.st_ino)},
          {"size", static_cast<int64_t>(st.st_size)},
          {"mtime_ns", ns(st.st_mtim)},
          {"ctime_ns", ns(st.st_ctim)}};
}

}  // namespace

std::string HashContent(const fs::path& path) {
  return HashTree(path, [](const fs::path& file) { return Sha256File(file); });
}

std::string CachedFileHasher::Hash(const fs::path& path) {
  return HashTree(path, [this](const fs::path& file) { return HashRegularFile(file); });
}

std::string CachedFileHasher::HashRegularFile(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path.string() + ": cannot stat");
  fs::path absolute = fs::absolute(path);
  const nlohmann::json fingerprint = Fingerprint(absolute, st);
  fs::path memo;
  if (!dir_.empty()) {
    memo = dir_ / (Sha256Hex(absolute.string()).substr(0, 32) + ".json");
    std::ifstream in(memo);
    if (in) {
      nlohmann::json saved = nlohmann::json::parse(in, nullptr, false);
      if (saved.is_object() && saved.value("fingerprint", nlohmann::json()) == fingerprint) {
        return saved.value("sha256", "");
      }
    }
  }
  std::string hash = Sha256File(path);
  {
    std::lock_guard<std::mutex> lock(mutex_);
    ++files_read_;
  }
  // A file written while it was read is hashed again next time rather than remembered.
  struct stat after;
  const bool unchanged = ::stat(path.c_str(), &after) == 0 && Fingerprint(absolute, after) == fingerprint;
  if (!memo.empty() && unchanged) {
    // Best effort: write to a private temp name, then rename, so readers never see half a file.
    fs::path tmp = memo.string() + "." + std::to_string(::getpid()) + ".tmp";
    std::ofstream out(tmp);
    out << nlohmann::json{{"fingerprint", fingerprint}, {"sha256", hash}}.dump();
    out.close();
    std::error_code ec;
    if (out) fs::rename(tmp, memo, ec);
    if (!out || ec) fs::remove(tmp, ec);
  }
  return hash;
}

}  // namespace xstilts
