#include "data/cache_inventory.h"

#include <sys/stat.h>

#include <algorithm>
#include <fstream>
#include <map>

namespace fs = std::filesystem;

namespace xstilts {
namespace {

std::time_t ModifiedAt(const fs::path& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0 ? st.st_mtime : 0;
}

// key -> the newest write of a pipeline's refs that names it: every run rewrites its refs with
// the keys it ran or found cached.
std::map<std::string, std::time_t> LastUses(const fs::path& refs_dir) {
  std::map<std::string, std::time_t> uses;
  std::error_code ec;
  for (const fs::directory_entry& file : fs::directory_iterator(refs_dir, ec)) {
    if (file.path().extension() != ".json") continue;
    std::ifstream in(file.path());
    const nlohmann::json refs = nlohmann::json::parse(in, nullptr, false);
    if (!refs.is_object()) continue;
    const std::time_t when = ModifiedAt(file.path());
    for (const auto& [node, key] : refs.items()) {
      if (!key.is_string()) continue;
      std::time_t& use = uses[key.get<std::string>()];
      use = std::max(use, when);
    }
  }
  return uses;
}

}  // namespace

std::vector<EntryInfo> ListEntries(const ArtifactStore& store) {
  const std::map<std::string, std::time_t> uses = LastUses(store.root() / "refs");
  std::vector<EntryInfo> entries;
  std::error_code ec;
  for (const fs::directory_entry& shard : fs::directory_iterator(store.root() / "entries", ec)) {
    if (!shard.is_directory()) continue;
    for (const fs::directory_entry& dir : fs::directory_iterator(shard.path(), ec)) {
      const std::string key = dir.path().filename().string();
      std::optional<CacheEntry> entry = store.Lookup(key);
      if (!entry) continue;
      EntryInfo info;
      info.key = key;
      info.dir = entry->dir;
      info.meta = entry->meta;
      info.node = entry->meta.value("node", "?");
      info.pipeline = entry->meta.value("pipeline", "");
      info.type = entry->meta.contains("components") ? entry->meta["components"].value("type", "?") : "?";
      for (const fs::directory_entry& file : fs::directory_iterator(entry->dir, ec)) {
        if (file.is_regular_file()) info.bytes += file.file_size();
      }
      info.built = ModifiedAt(entry->dir / "meta.json");
      auto use = uses.find(key);
      info.last_used = std::max(info.built, use == uses.end() ? 0 : use->second);
      entries.push_back(std::move(info));
    }
  }
  std::sort(entries.begin(), entries.end(), [](const EntryInfo& a, const EntryInfo& b) { return a.key < b.key; });
  return entries;
}

}  // namespace xstilts
