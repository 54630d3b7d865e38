// ArtifactStore: the content-addressed cache on disk.
//
// Layout under the cache root (docs/cache.md):
//   entries/<k0k1>/<key>/<port>.h5   one HDF5 artifact per output port
//   entries/<k0k1>/<key>/files.tsv   name, size and SHA-256 of every artifact file
//   entries/<k0k1>/<key>/meta.json   key components, producer, timings, costs, and the same file
//                                    list; written last, so its presence marks a complete entry
//   locks/<key>.lock                 flock: one process builds a key at a time
//   locks/in-use.lock                flock: shared by runs, exclusive for `cache gc`
//   tmp/<key>.<pid>.<n>/             a build in progress; published by rename(2)
//   resume/<key>/                    checkpoints of an interrupted build of <key>
//   jobs/<key>/                      the Slurm jobs that build <key>: spec, logs, attempts, claim
//                                    (cluster/node_job.h)
//   refs/<pipeline id>.json          node name -> key it last had (for `status` and `explain`)
//   corrupt/                         entries that failed verification, moved aside
//   runs/<pipeline>/run.jsonl        run logs
//   shared.json                      a cache shared by a Unix group (InitShared)
//
// Guarantees: an entry directory appears only by an atomic rename after its files and metadata were
// fsync'ed, so a process killed at any moment (SIGKILL) leaves at most a tmp/ directory, which a
// later Open() removes once no process holds its key's lock. Lookup() accepts only complete entries
// whose files have the recorded sizes; Verify() checks the checksums.
//
// Thread-safety: all methods may be called from several threads; cross-process exclusion is by
// LockKey().
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "data/file_lock.h"
#include "data/file_system.h"

namespace xstilts {

struct CacheEntry {
  std::string key;
  std::filesystem::path dir;
  nlohmann::json meta;
  std::filesystem::path artifact(const std::string& port) const { return dir / (port + ".h5"); }
};

class ArtifactStore {
 public:
  // Opens the cache at `root` (made absolute), creating it if needed, and removes abandoned temp
  // directories. A cache made by InitShared (it holds shared.json) sets the process's umask to
  // 002, so that what this process writes stays writable by the cache's group.
  static Result<std::unique_ptr<ArtifactStore>> Open(const std::filesystem::path& root,
                                                     FileSystem& fs = DefaultFileSystem());
  // Makes `root` a cache for every user in `group`: its folders owned by the group, group-writable
  // and setgid (new files and folders inherit the group), and shared.json, which makes Open keep
  // it so. kNotFound for an unknown group.
  static Status InitShared(const std::filesystem::path& root, const std::string& group);

  const std::filesystem::path& root() const { return root_; }
  std::filesystem::path EntryDir(const std::string& key) const;

  // The complete entry for `key`, or nullopt (missing, half-written or truncated).
  std::optional<CacheEntry> Lookup(const std::string& key) const;
  // Whether Lookup would find the entry, without parsing its metadata: what planning a fully
  // cached pipeline of many nodes needs to be fast.
  bool IsComplete(const std::string& key) const;
  // Checks every artifact's SHA-256 against the metadata. kCorrupt names the file on mismatch.
  Status Verify(const CacheEntry& entry) const;
  // Moves an entry to corrupt/ so it is rebuilt and can be inspected.
  Status MoveAside(const std::string& key) const;
  // Where MoveAside puts `key`'s entry now: corrupt/<key>.<unix time>.<pid>.
  std::filesystem::path CorruptDir(const std::string& key) const;

  Result<FileLock> LockKey(const std::string& key, const std::atomic<bool>* cancel,
                           const std::function<void()>& on_wait = nullptr) const;
  // The key's lock if nobody holds it, else nullopt.
  std::optional<FileLock> TryLockKey(const std::string& key) const;
  // locks/in-use.lock: every command that plans against the cache holds it shared while it runs;
  // `cache gc` holds it exclusive, so it removes nothing that a run may still read.
  Result<FileLock> LockInUse(bool exclusive, const std::atomic<bool>* cancel,
                             const std::function<void()>& on_wait = nullptr) const;
  // Removes an entry: renamed into tmp/ first (atomic: a reader sees the whole entry or none),
  // then deleted; with it go the files of the Slurm jobs that built it (JobDir).
  Status Remove(const std::string& key) const;
  // A fresh temp directory for building `key`; the caller holds the key's lock.
  Result<std::filesystem::path> CreateTempDir(const std::string& key);
  // Publishes the *.h5 files in `tmp_dir` as the entry for `key` with `meta` (to which "files" is
  // added), replacing an existing entry; one that was incomplete (truncated) goes to corrupt/.
  // With `expected_files` (a "files" object: name -> size, sha256, as a remote manifest holds),
  // the files must be exactly those, with that content: else kCorrupt naming the file and both
  // hashes. `hashed`: the caller already hashed the files and compared them with
  // `expected_files` (a verified download), so only their names and sizes are checked here.
  // On failure nothing is published and tmp_dir is removed.
  Status Publish(const std::filesystem::path& tmp_dir, const std::string& key, nlohmann::json meta,
                 const nlohmann::json* expected_files = nullptr, bool hashed = false);
  std::filesystem::path ResumeDir(const std::string& key) const;
  // jobs/<key>: what the Slurm executor keeps of the jobs that build `key` (cluster/node_job.h).
  std::filesystem::path JobDir(const std::string& key) const;

  // Last keys per node of one pipeline (identified by PipelineId()).
  std::map<std::string, std::string> ReadRefs(const std::string& pipeline_id) const;
  Status WriteRefs(const std::string& pipeline_id, const std::map<std::string, std::string>& refs);
  // A directory for the run logs and metrics of one pipeline.
  std::filesystem::path RunDir(const std::string& pipeline_id) const;
  // The stat cache of external file hashes.
  std::filesystem::path StatCacheDir() const { return root_ / "stat"; }

  // Identifies a pipeline file by its absolute path: "<stem>-<12 hex>".
  static std::string PipelineId(const std::filesystem::path& pipeline_file);

 private:
  ArtifactStore(std::filesystem::path root, FileSystem& fs) : root_(std::move(root)), fs_(fs) {}
  Status RemoveAbandonedTempDirs();

  std::filesystem::path root_;
  FileSystem& fs_;
  std::atomic<uint64_t> temp_counter_{0};
};

// The cache directory: `flag` if set, else $XSTILTS_CACHE, else $XDG_CACHE_HOME/xstilts, else
// ~/.cache/xstilts.
std::filesystem::path DefaultCacheDir(const std::string& flag);

}  // namespace xstilts
