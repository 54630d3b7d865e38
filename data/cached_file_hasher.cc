#include "data/cached_file_hasher.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <stdexcept>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/sha256.h"

namespace fs = std::filesystem;

namespace xstilts {

std::string CachedFileHasher::Hash(const fs::path& path) {
  std::error_code ec;
  fs::file_status status = fs::status(path, ec);
  if (ec || !fs::exists(status)) throw std::runtime_error(path.string() + ": no such file or directory");
  if (!fs::is_directory(status)) return HashFile(path);
  std::vector<std::pair<std::string, std::string>> listing;
  for (auto it = fs::recursive_directory_iterator(path, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (it->is_regular_file()) listing.emplace_back(it->path().lexically_relative(path).string(), HashFile(it->path()));
  }
  if (ec) throw std::runtime_error(path.string() + ": cannot list directory: " + ec.message());
  std::sort(listing.begin(), listing.end());
  std::string text;
  for (const auto& [name, hash] : listing) text += name + '\0' + hash + '\n';
  return Sha256Hex(text);
}

std::string CachedFileHasher::HashFile(const fs::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error(path.string() + ": cannot stat");
  fs::path absolute = fs::absolute(path);
  nlohmann::json fingerprint = {{"path", absolute.string()},
                                {"size", static_cast<int64_t>(st.st_size)},
                                {"mtime_ns", static_cast<int64_t>(st.st_mtim.tv_sec) * 1000000000 + st.st_mtim.tv_nsec},
                                {"inode", static_cast<int64_t>(st.st_ino)}};
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
  if (!memo.empty()) {
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
