#include "data/artifact_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>
#include <iterator>
#include <thread>
#include <vector>

namespace xstilts {
namespace {

namespace fs = std::filesystem;

fs::path FreshDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("xstilts_store_" + std::to_string(::getpid())) / name;
  fs::remove_all(dir);
  fs::create_directories(dir);
  return dir;
}

// Fails the n-th call of one operation, like a full disk or a failing rename.
class FaultyFileSystem : public FileSystem {
 public:
  Status WriteFile(const fs::path& p, const std::string& d) override {
    if (fail_write) return Status::Error(ErrorKind::kIo, "cannot write " + p.string() + ": No space left on device");
    return DefaultFileSystem().WriteFile(p, d);
  }
  Result<std::string> ReadFile(const fs::path& p) override { return DefaultFileSystem().ReadFile(p); }
  Status Sync(const fs::path& p) override { return DefaultFileSystem().Sync(p); }
  Status Rename(const fs::path& f, const fs::path& t) override {
    if (fail_rename) return Status::Error(ErrorKind::kIo, "cannot rename: Input/output error");
    return DefaultFileSystem().Rename(f, t);
  }
  Status CreateDirectories(const fs::path& p) override { return DefaultFileSystem().CreateDirectories(p); }
  Status RemoveAll(const fs::path& p) override { return DefaultFileSystem().RemoveAll(p); }
  bool fail_write = false;
  bool fail_rename = false;
};

const std::string kKey = "ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12cd34ef56ab12";

fs::path BuildInTemp(ArtifactStore& store, const std::string& content) {
  fs::path tmp = store.CreateTempDir(kKey).value();
  std::ofstream(tmp / "out.h5") << content;
  return tmp;
}

TEST(ArtifactStore, PublishesAtomicallyAndVerifiesChecksums) {
  fs::path root = FreshDir("publish");
  auto store = std::move(ArtifactStore::Open(root).value());
  EXPECT_FALSE(store->Lookup(kKey));
  EXPECT_FALSE(store->IsComplete(kKey));
  fs::path tmp = BuildInTemp(*store, "hello artifact");
  ASSERT_TRUE(store->Publish(tmp, kKey, {{"node", "n"}}).ok());
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_TRUE(store->IsComplete(kKey));
  std::optional<CacheEntry> entry = store->Lookup(kKey);
  ASSERT_TRUE(entry);
  EXPECT_EQ(entry->meta["node"], "n");
  EXPECT_EQ(entry->meta["files"]["out.h5"]["size"], 14);
  EXPECT_TRUE(store->Verify(*entry).ok());

  // Same size, different bytes: only the checksum can tell.
  std::ofstream(entry->artifact("out")) << "hellO artifact";
  Status corrupt = store->Verify(*entry);
  ASSERT_FALSE(corrupt.ok());
  EXPECT_EQ(corrupt.kind(), ErrorKind::kCorrupt);
  EXPECT_NE(corrupt.message().find("checksum mismatch"), std::string::npos);
  ASSERT_TRUE(store->MoveAside(kKey).ok());
  EXPECT_FALSE(store->Lookup(kKey));
}

TEST(ArtifactStore, TruncatedOrHalfWrittenEntriesAreNotFound) {
  fs::path root = FreshDir("truncated");
  auto store = std::move(ArtifactStore::Open(root).value());
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "0123456789"), kKey, {}).ok());
  fs::resize_file(store->EntryDir(kKey) / "out.h5", 4);
  EXPECT_FALSE(store->Lookup(kKey));
  EXPECT_FALSE(store->IsComplete(kKey));
  fs::remove(store->EntryDir(kKey) / "meta.json");
  fs::resize_file(store->EntryDir(kKey) / "out.h5", 10);
  EXPECT_FALSE(store->Lookup(kKey));
  EXPECT_FALSE(store->IsComplete(kKey));
}

TEST(ArtifactStore, DiskFullOrFailedRenamePublishesNothing) {
  fs::path root = FreshDir("faulty");
  FaultyFileSystem faulty;
  auto store = std::move(ArtifactStore::Open(root, faulty).value());
  faulty.fail_write = true;
  fs::path tmp = BuildInTemp(*store, "data");
  Status s = store->Publish(tmp, kKey, {});
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("No space left on device"), std::string::npos) << s.message();
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_FALSE(store->Lookup(kKey));
  faulty.fail_write = false;
  faulty.fail_rename = true;
  tmp = BuildInTemp(*store, "data");
  EXPECT_FALSE(store->Publish(tmp, kKey, {}).ok());
  EXPECT_FALSE(fs::exists(tmp));
  EXPECT_FALSE(store->Lookup(kKey));
}

TEST(ArtifactStore, ForcedRebuildReplacesTheEntry) {
  fs::path root = FreshDir("replace");
  auto store = std::move(ArtifactStore::Open(root).value());
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "first"), kKey, {}).ok());
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "second!"), kKey, {}).ok());
  EXPECT_EQ(store->Lookup(kKey)->meta["files"]["out.h5"]["size"], 7);
}

TEST(ArtifactStore, RebuildOfATruncatedEntryKeepsTheTruncatedOneInCorrupt) {
  fs::path root = FreshDir("truncated_kept");
  auto store = std::move(ArtifactStore::Open(root).value());
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "0123456789"), kKey, {}).ok());
  fs::resize_file(store->EntryDir(kKey) / "out.h5", 4);
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "0123456789"), kKey, {}).ok());
  EXPECT_TRUE(store->IsComplete(kKey));
  std::vector<fs::path> kept;
  for (const auto& e : fs::directory_iterator(root / "corrupt")) kept.push_back(e.path());
  ASSERT_EQ(kept.size(), 1u);
  EXPECT_EQ(kept[0].filename().string().rfind(kKey + ".", 0), 0u) << kept[0];
  EXPECT_EQ(fs::file_size(kept[0] / "out.h5"), 4u);
  // A forced rebuild of a complete entry does not count as damage.
  ASSERT_TRUE(store->Publish(BuildInTemp(*store, "0123456789"), kKey, {}).ok());
  EXPECT_EQ(std::distance(fs::directory_iterator(root / "corrupt"), fs::directory_iterator()), 1);
}

TEST(ArtifactStore, OpenRemovesTempDirsOfDeadBuildsButNotOfLiveOnes) {
  fs::path root = FreshDir("abandoned");
  auto store = std::move(ArtifactStore::Open(root).value());
  fs::path dead = BuildInTemp(*store, "half");
  const std::string live_key = "ff" + kKey.substr(2);
  fs::path live = store->CreateTempDir(live_key).value();
  Result<FileLock> held = store->LockKey(live_key, nullptr);
  ASSERT_TRUE(held.ok());
  auto reopened = std::move(ArtifactStore::Open(root).value());
  EXPECT_FALSE(fs::exists(dead));
  EXPECT_TRUE(fs::exists(live));
}

TEST(FileLock, SecondHolderWaitsUntilTheFirstReleases) {
  fs::path root = FreshDir("lock");
  auto store = std::move(ArtifactStore::Open(root).value());
  std::optional<Result<FileLock>> first(store->LockKey(kKey, nullptr));
  ASSERT_TRUE(first->ok());
  std::atomic<bool> acquired{false};
  bool waited = false;
  std::thread second([&] {
    Result<FileLock> lock = store->LockKey(kKey, nullptr, [&] { waited = true; });
    acquired = lock.ok();
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(acquired.load());
  first.reset();
  second.join();
  EXPECT_TRUE(acquired.load());
  EXPECT_TRUE(waited);

  std::optional<Result<FileLock>> holder(store->LockKey(kKey, nullptr));
  std::atomic<bool> cancel{true};
  Result<FileLock> cancelled = store->LockKey(kKey, &cancel);
  ASSERT_FALSE(cancelled.ok());
  EXPECT_EQ(cancelled.status().kind(), ErrorKind::kCancelled);
}

}  // namespace
}  // namespace xstilts
