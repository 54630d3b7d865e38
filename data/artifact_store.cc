#include "data/artifact_store.h"

#include <grp.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

#include "base/sha256.h"

namespace fs = std::filesystem;

namespace xstilts {

namespace {

constexpr const char* kSubdirs[] = {"entries", "locks", "tmp", "resume", "refs", "corrupt", "runs", "stat"};

}  // namespace

Status ArtifactStore::InitShared(const fs::path& root, const std::string& group) {
  const ::group* entry = ::getgrnam(group.c_str());
  if (entry == nullptr) return Status::Error(ErrorKind::kNotFound, "no Unix group named '" + group + "'");
  std::error_code ec;
  std::vector<fs::path> dirs = {root};
  for (const char* sub : kSubdirs) dirs.push_back(root / sub);
  for (const fs::path& dir : dirs) {
    fs::create_directories(dir, ec);
    if (ec || ::chown(dir.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0 || ::chmod(dir.c_str(), 02775) != 0) {
      return Status::Error(ErrorKind::kIo, "cannot give " + dir.string() + " to group '" + group + "': " +
                                               (ec ? ec.message() : std::strerror(errno)));
    }
  }
  const fs::path marker = root / "shared.json";
  std::ofstream(marker) << nlohmann::json{{"group", group}}.dump() << "\n";
  if (::chown(marker.c_str(), static_cast<uid_t>(-1), entry->gr_gid) != 0 || ::chmod(marker.c_str(), 0664) != 0) {
    return Status::Error(ErrorKind::kIo, "cannot write " + marker.string() + ": " + std::strerror(errno));
  }
  return Status::Ok();
}

Result<std::unique_ptr<ArtifactStore>> ArtifactStore::Open(const fs::path& given_root, FileSystem& files) {
  // Absolute: its paths go to node bodies and subprocesses, which may run in another folder.
  std::error_code ec;
  const fs::path root = fs::absolute(given_root, ec).lexically_normal();
  if (fs::exists(root / "shared.json", ec)) ::umask(0002);  // keep the group's write access
  for (const char* sub : kSubdirs) {
    Status s = files.CreateDirectories(root / sub);
    if (!s.ok()) return s.WithContext("cannot use cache directory " + root.string());
  }
  std::unique_ptr<ArtifactStore> store(new ArtifactStore(root, files));
  XSTILTS_RETURN_IF_ERROR(store->RemoveAbandonedTempDirs());
  return store;
}

Status ArtifactStore::RemoveAbandonedTempDirs() {
  std::error_code ec;
  for (const fs::directory_entry& dir : fs::directory_iterator(root_ / "tmp", ec)) {
    std::string name = dir.path().filename().string();
    std::string key = name.substr(0, name.find('.'));
    // A build in progress holds its key's lock; a dead process's lock is gone with it.
    std::optional<FileLock> lock = TryLockKey(key);
    if (lock) XSTILTS_RETURN_IF_ERROR(fs_.RemoveAll(dir.path()));
  }
  return Status::Ok();
}

fs::path ArtifactStore::EntryDir(const std::string& key) const {
  return root_ / "entries" / key.substr(0, 2) / key;
}

std::optional<CacheEntry> ArtifactStore::Lookup(const std::string& key) const {
  fs::path dir = EntryDir(key);
  std::error_code ec;
  if (!fs::exists(dir / "meta.json", ec)) return std::nullopt;
  Result<std::string> text = fs_.ReadFile(dir / "meta.json");
  if (!text.ok()) return std::nullopt;
  CacheEntry entry{key, dir, nlohmann::json::parse(*text, nullptr, false)};
  if (entry.meta.is_discarded() || !entry.meta.contains("files")) return std::nullopt;
  for (const auto& [name, info] : entry.meta["files"].items()) {
    uintmax_t size = fs::file_size(dir / name, ec);
    if (ec || size != info.value("size", uintmax_t{0})) return std::nullopt;
  }
  return entry;
}

bool ArtifactStore::IsComplete(const std::string& key) const {
  fs::path dir = EntryDir(key);
  struct stat st;
  if (::stat((dir / "meta.json").c_str(), &st) != 0) return false;
  std::FILE* manifest = std::fopen((dir / "files.tsv").c_str(), "r");
  if (manifest == nullptr) return false;
  char name[256];
  unsigned long long size = 0;
  bool complete = true;
  while (complete && std::fscanf(manifest, "%255s %llu %*s", name, &size) == 2) {
    complete = ::stat((dir / name).c_str(), &st) == 0 && static_cast<unsigned long long>(st.st_size) == size;
  }
  std::fclose(manifest);
  return complete;
}

Status ArtifactStore::Verify(const CacheEntry& entry) const {
  for (const auto& [name, info] : entry.meta["files"].items()) {
    std::string actual;
    try {
      actual = Sha256File(entry.dir / name);
    } catch (const std::exception& e) {
      return Status::Error(ErrorKind::kCorrupt, e.what());
    }
    if (actual != info.value("sha256", "")) {
      return Status::Error(ErrorKind::kCorrupt, (entry.dir / name).string() + ": checksum mismatch (expected " +
                                                    info.value("sha256", "").substr(0, 12) + "..., found " +
                                                    actual.substr(0, 12) + "...)");
    }
  }
  return Status::Ok();
}

std::optional<FileLock> ArtifactStore::TryLockKey(const std::string& key) const {
  return FileLock::TryAcquire(root_ / "locks" / (key + ".lock"));
}

Result<FileLock> ArtifactStore::LockInUse(bool exclusive, const std::atomic<bool>* cancel,
                                          const std::function<void()>& on_wait) const {
  return FileLock::Acquire(root_ / "locks" / "in-use.lock", cancel, on_wait, !exclusive);
}

Status ArtifactStore::Remove(const std::string& key) const {
  const fs::path doomed = root_ / "tmp" / (key + ".removed." + std::to_string(::getpid()));
  XSTILTS_RETURN_IF_ERROR(fs_.Rename(EntryDir(key), doomed));
  XSTILTS_RETURN_IF_ERROR(fs_.RemoveAll(doomed));
  std::error_code ec;
  if (!fs::exists(JobDir(key), ec)) return Status::Ok();
  return fs_.RemoveAll(JobDir(key));
}

fs::path ArtifactStore::CorruptDir(const std::string& key) const {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return root_ / "corrupt" /
         (key + "." + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(now).count()) + "." +
          std::to_string(::getpid()));
}

Status ArtifactStore::MoveAside(const std::string& key) const { return fs_.Rename(EntryDir(key), CorruptDir(key)); }

Result<FileLock> ArtifactStore::LockKey(const std::string& key, const std::atomic<bool>* cancel,
                                        const std::function<void()>& on_wait) const {
  return FileLock::Acquire(root_ / "locks" / (key + ".lock"), cancel, on_wait);
}

Result<fs::path> ArtifactStore::CreateTempDir(const std::string& key) {
  fs::path dir = root_ / "tmp" / (key + "." + std::to_string(::getpid()) + "." + std::to_string(temp_counter_++));
  XSTILTS_RETURN_IF_ERROR(fs_.RemoveAll(dir));
  XSTILTS_RETURN_IF_ERROR(fs_.CreateDirectories(dir));
  return dir;
}

namespace {

// What differs between the files an entry should have and those it has (name -> size, sha256).
Status FilesDiffer(const nlohmann::json& expected, const nlohmann::json& found) {
  for (const auto& [name, info] : expected.items()) {
    if (!found.contains(name)) return Status::Error(ErrorKind::kCorrupt, name + " is missing");
    const std::string want = info.value("sha256", ""), got = found[name].value("sha256", "");
    if (want != got) {
      return Status::Error(ErrorKind::kCorrupt, name + ": sha256 mismatch (expected " + want + ", got " + got + ")");
    }
  }
  for (const auto& [name, info] : found.items()) {
    if (!expected.contains(name)) return Status::Error(ErrorKind::kCorrupt, name + " was not expected");
  }
  return Status::Error(ErrorKind::kCorrupt, "the file list differs from the expected one");
}

}  // namespace

Status ArtifactStore::Publish(const fs::path& tmp_dir, const std::string& key, nlohmann::json meta,
                              const nlohmann::json* expected_files, bool hashed) {
  auto fail = [&](const Status& s) {
    (void)fs_.RemoveAll(tmp_dir);
    return s.WithContext("cannot publish cache entry " + key.substr(0, 12));
  };
  nlohmann::json files = nlohmann::json::object();
  std::error_code ec;
  for (const fs::directory_entry& file : fs::directory_iterator(tmp_dir, ec)) {
    if (file.path().extension() != ".h5") continue;
    Status synced = fs_.Sync(file.path());
    if (!synced.ok()) return fail(synced);
    std::string name = file.path().filename().string();
    try {
      const bool known = hashed && expected_files != nullptr && expected_files->contains(name);
      files[name] = {{"size", fs::file_size(file.path())},
                     {"sha256", known ? (*expected_files)[name]["sha256"].get<std::string>() : Sha256File(file.path())}};
    } catch (const std::exception& e) {
      return fail(Status::Error(ErrorKind::kIo, e.what()));
    }
  }
  if (expected_files != nullptr && *expected_files != files) return fail(FilesDiffer(*expected_files, files));
  meta["key"] = key;
  meta["files"] = files;
  std::string manifest;
  for (const auto& [name, info] : files.items()) {
    manifest += name + "\t" + std::to_string(info["size"].get<uintmax_t>()) + "\t" + info["sha256"].get<std::string>() + "\n";
  }
  Status listed = fs_.WriteFile(tmp_dir / "files.tsv", manifest);
  if (!listed.ok()) return fail(listed);
  // meta.json is written last: an entry without it is never considered complete.
  Status written = fs_.WriteFile(tmp_dir / "meta.json", meta.dump(2) + "\n");
  if (!written.ok()) return fail(written);
  Status synced = fs_.Sync(tmp_dir);
  if (!synced.ok()) return fail(synced);
  fs::path entry = EntryDir(key);
  Status parent = fs_.CreateDirectories(entry.parent_path());
  if (!parent.ok()) return fail(parent);
  // A forced re-run replaces the old entry: move it out of the way first (readers are excluded by
  // the key lock, which the caller holds).
  fs::path old = tmp_dir.string() + ".old";
  const bool replaced = fs::exists(entry, ec);
  // An entry that is there but not complete was truncated or damaged: kept in corrupt/ for a look.
  const bool damaged = replaced && !IsComplete(key);
  if (replaced) {
    Status moved = fs_.Rename(entry, old);
    if (!moved.ok()) return fail(moved);
  }
  Status renamed = fs_.Rename(tmp_dir, entry);
  if (!renamed.ok()) {
    if (replaced) (void)fs_.Rename(old, entry);
    return fail(renamed);
  }
  if (damaged) {
    (void)fs_.Rename(old, CorruptDir(key));
  } else if (replaced) {
    (void)fs_.RemoveAll(old);
  }
  return fs_.Sync(entry.parent_path());
}

fs::path ArtifactStore::ResumeDir(const std::string& key) const { return root_ / "resume" / key; }
fs::path ArtifactStore::JobDir(const std::string& key) const { return root_ / "jobs" / key; }

std::map<std::string, std::string> ArtifactStore::ReadRefs(const std::string& pipeline_id) const {
  std::map<std::string, std::string> refs;
  Result<std::string> text = fs_.ReadFile(root_ / "refs" / (pipeline_id + ".json"));
  if (!text.ok()) return refs;
  nlohmann::json json = nlohmann::json::parse(*text, nullptr, false);
  if (!json.is_object()) return refs;
  for (const auto& [node, key] : json.items()) {
    if (key.is_string()) refs[node] = key.get<std::string>();
  }
  return refs;
}

Status ArtifactStore::WriteRefs(const std::string& pipeline_id, const std::map<std::string, std::string>& refs) {
  fs::path path = root_ / "refs" / (pipeline_id + ".json");
  fs::path tmp = path.string() + "." + std::to_string(::getpid()) + ".tmp";
  XSTILTS_RETURN_IF_ERROR(fs_.WriteFile(tmp, nlohmann::json(refs).dump(1) + "\n"));
  return fs_.Rename(tmp, path);
}

fs::path ArtifactStore::RunDir(const std::string& pipeline_id) const { return root_ / "runs" / pipeline_id; }

std::string ArtifactStore::PipelineId(const fs::path& pipeline_file) {
  std::error_code ec;
  fs::path absolute = fs::weakly_canonical(fs::absolute(pipeline_file), ec);
  return pipeline_file.stem().string() + "-" + Sha256Hex(absolute.string()).substr(0, 12);
}

fs::path DefaultCacheDir(const std::string& flag) {
  if (!flag.empty()) return flag;
  if (const char* env = std::getenv("XSTILTS_CACHE"); env && *env) return env;
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) return fs::path(xdg) / "xstilts";
  if (const char* home = std::getenv("HOME"); home && *home) return fs::path(home) / ".cache" / "xstilts";
  return fs::path(".xstilts-cache");
}

}  // namespace xstilts
