// RemoteStore against a small in-process HTTP server: a download cut off halfway continues with
// Range, bytes that do not match the manifest are never published, the files of an entry move at
// once, and malformed manifests are refused before anything is asked for.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>

#include "base/sha256.h"
#include "data/remote_store.h"
#include "tests/build_features.h"
#include "tests/integration/nginx_server.h"
#include "tests/nodes/test_http_server.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::HttpResource;
using testing::TestHttpServer;

const std::string kKey(64, 'a');

std::string RandomBytes(size_t n) {
  std::mt19937 random(7);
  std::string bytes(n, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  return bytes;
}

std::string ManifestFor(const std::string& bytes) {
  return nlohmann::json{{"key", kKey}, {"node", "a"}, {"files", {{"out.h5", {{"size", bytes.size()}, {"sha256", Sha256Hex(bytes)}}}}}}
      .dump();
}

class RemoteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xstilts_remote_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    store_ = std::move(ArtifactStore::Open(dir_ / "cache").value());
  }
  void TearDown() override { fs::remove_all(dir_); }
  RemoteStore Remote() {
    RemoteStore::Options options;
    options.url = server_.Url("/cache/");
    options.backoff_seconds = 0.01;
    return RemoteStore(options);
  }

  TestHttpServer server_;
  fs::path dir_;
  std::unique_ptr<ArtifactStore> store_;
};

TEST_F(RemoteStoreTest, ADroppedDownloadContinuesWithRangeAndIsPublished) {
  const std::string bytes = RandomBytes(300000);
  server_.Serve("/cache/ac/" + kKey, HttpResource{ManifestFor(bytes)});
  HttpResource blob{bytes};
  blob.drop_after_bytes = 100000;
  server_.Serve("/cache/cas/" + Sha256Hex(bytes), blob);
  RemoteStore remote = Remote();
  Result<std::optional<nlohmann::json>> manifest = remote.FindManifest(kKey);
  ASSERT_TRUE(manifest.ok()) << manifest.status().message();
  ASSERT_TRUE(manifest.value().has_value());
  Status fetched = remote.Fetch(kKey, **manifest, *store_);
  ASSERT_TRUE(fetched.ok()) << fetched.message();
  std::optional<CacheEntry> entry = store_->Lookup(kKey);
  ASSERT_TRUE(entry);
  EXPECT_TRUE(store_->Verify(*entry).ok());
  EXPECT_EQ(Sha256File(entry->artifact("out")), Sha256Hex(bytes));
  const auto requests = server_.Requests("/cache/cas/" + Sha256Hex(bytes));
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("range"), "");
  EXPECT_EQ(requests[1].Header("range"), "bytes=100000-");
  EXPECT_EQ(remote.counts().bytes_downloaded.load(), 300000);
}

TEST_F(RemoteStoreTest, BytesThatDoNotMatchTheManifestAreNeverPublished) {
  const std::string bytes = RandomBytes(5000);
  std::string damaged = bytes;
  damaged[100] ^= 1;
  server_.Serve("/cache/cas/" + Sha256Hex(bytes), HttpResource{damaged});
  RemoteStore remote = Remote();
  Result<nlohmann::json> manifest = ParseManifest(ManifestFor(bytes), kKey);
  ASSERT_TRUE(manifest.ok());
  Status fetched = remote.Fetch(kKey, *manifest, *store_);
  EXPECT_EQ(fetched.kind(), ErrorKind::kCorrupt);
  EXPECT_NE(fetched.message().find("has sha256 " + Sha256Hex(damaged) + ", the manifest says " + Sha256Hex(bytes)),
            std::string::npos)
      << fetched.message();
  EXPECT_FALSE(store_->Lookup(kKey));
  EXPECT_TRUE(fs::is_empty(dir_ / "cache" / "tmp"));
}

TEST_F(RemoteStoreTest, TheFilesOfAnEntryAreDownloadedAtOnce) {
  nlohmann::json files;
  for (int i = 0; i < 4; ++i) {
    HttpResource blob{RandomBytes(20000) + std::to_string(i)};
    blob.chunk_bytes = 2000;
    blob.drip_seconds = 0.03;  // 0.3 s a file
    files["part" + std::to_string(i) + ".h5"] = {{"size", blob.body.size()}, {"sha256", Sha256Hex(blob.body)}};
    server_.Serve("/cache/cas/" + Sha256Hex(blob.body), blob);
  }
  RemoteStore remote = Remote();
  Status fetched = remote.Fetch(kKey, nlohmann::json{{"key", kKey}, {"node", "a"}, {"files", files}}, *store_);
  ASSERT_TRUE(fetched.ok()) << fetched.message();
  ASSERT_TRUE(store_->Lookup(kKey));
  EXPECT_TRUE(store_->Verify(*store_->Lookup(kKey)).ok());
  EXPECT_EQ(remote.counts().blobs_downloaded.load(), 4);
  EXPECT_EQ(server_.most_connections_at_once(), 4);
}

TEST_F(RemoteStoreTest, MalformedManifestsAreRefused) {
  const std::string sha = Sha256Hex("x");
  const auto problem = [&](const std::string& text) { return ParseManifest(text, kKey).status().message(); };
  const std::string prefix = "remote manifest of entry " + kKey.substr(0, 12) + ": ";
  EXPECT_EQ(problem("{not json"), prefix + "not a JSON object");
  EXPECT_EQ(problem(R"({"key": "other", "files": {}})"), prefix + "it names another key");
  EXPECT_EQ(problem(R"({"key": ")" + kKey + R"(", "files": {}})"), prefix + "no files");
  EXPECT_EQ(problem(R"({"key": ")" + kKey + R"(", "files": {"../../etc/x.h5": {"size": 1, "sha256": ")" + sha + R"("}}})"),
            prefix + "bad file name '../../etc/x.h5'");
  EXPECT_EQ(problem(R"({"key": ")" + kKey + R"(", "files": {"out.h5": {"size": -1, "sha256": ")" + sha + R"("}}})"),
            prefix + "file 'out.h5' needs a size and a sha256");
  EXPECT_EQ(problem(R"({"key": ")" + kKey + R"(", "files": {"out.h5": {"size": 1, "sha256": "abc"}}})"),
            prefix + "file 'out.h5' needs a size and a sha256");
  EXPECT_TRUE(ParseManifest(R"({"key": ")" + kKey + R"(", "files": {"out.h5": {"size": 1, "sha256": ")" + sha + R"("}}})", kKey).ok());
}

TEST_F(RemoteStoreTest, AMissingManifestIsNotAnError) {
  RemoteStore remote = Remote();
  Result<std::optional<nlohmann::json>> manifest = remote.FindManifest(kKey);
  ASSERT_TRUE(manifest.ok());
  EXPECT_FALSE(manifest.value().has_value());
}

TEST_F(RemoteStoreTest, ABearerTokenIsSentWithEveryRequest) {
  RemoteStore::Options options;
  options.url = server_.Url("/cache");
  options.auth.bearer_token = "t0ken";
  RemoteStore remote(options);
  ASSERT_TRUE(remote.FindManifest(kKey).ok());
  const auto requests = server_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("authorization"), "Bearer t0ken");
}

TEST(RedactUrl, DropsCredentialsAndQueries) {
  EXPECT_EQ(RedactUrl("https://user:pw@cache.example.org:8443/x/?token=abc#f"), "https://cache.example.org:8443/x/");
  EXPECT_EQ(RedactUrl("http://127.0.0.1:80/cache"), "http://127.0.0.1:80/cache");
  EXPECT_EQ(RedactUrl("https://a@b@host/p@q"), "https://host/p@q");
}

}  // namespace
}  // namespace xstilts

namespace xstilts {
namespace {

// A 2 GiB artifact (sparse on the local disk) goes up to nginx and back down into another cache
// with the process's memory bounded: nothing holds a file whole.
TEST(RemoteStoreLarge, TwoGibibytesGoUpAndDownInBoundedMemory) {
  XSTILTS_SKIP_UNDER_SANITIZERS("the peak RSS would count shadow memory and the quarantine");
  const fs::path dir = fs::temp_directory_path() / ("xstilts_remote_large_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  struct RemovedLast {
    fs::path dir;
    ~RemovedLast() { fs::remove_all(dir); }
  } removed_last{dir};  // destroyed after nginx, whose stop needs the pid file in `dir`
  testing::NginxServer nginx(dir / "server", "u", "p");
  if (!nginx.installed()) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh installs it)";
  ASSERT_TRUE(nginx.running());
  std::unique_ptr<ArtifactStore> source = std::move(ArtifactStore::Open(dir / "source").value());
  std::unique_ptr<ArtifactStore> target = std::move(ArtifactStore::Open(dir / "target").value());
  const std::string key(64, 'b');
  const fs::path tmp = source->CreateTempDir(key).value();
  { std::ofstream create(tmp / "out.h5"); }
  fs::resize_file(tmp / "out.h5", uint64_t{2} << 30);  // sparse: no disk space, reads as zeros
  ASSERT_TRUE(source->Publish(tmp, key, {{"node", "big"}}).ok());

  rusage before{};
  getrusage(RUSAGE_SELF, &before);
  RemoteStore::Options options;
  options.url = nginx.url();
  RemoteStore remote(options);
  Status uploaded = remote.Upload(*source->Lookup(key));
  ASSERT_TRUE(uploaded.ok()) << uploaded.message();
  Result<std::optional<nlohmann::json>> manifest = remote.FindManifest(key);
  ASSERT_TRUE(manifest.ok() && manifest.value().has_value());
  Status fetched = remote.Fetch(key, **manifest, *target);
  ASSERT_TRUE(fetched.ok()) << fetched.message();
  rusage after{};
  getrusage(RUSAGE_SELF, &after);

  EXPECT_EQ(fs::file_size(target->Lookup(key)->artifact("out")), uint64_t{2} << 30);
  EXPECT_EQ(remote.counts().bytes_downloaded.load(), int64_t{2} << 30);
  // ru_maxrss is in KiB: the transfers may add buffers (curl's, the hasher's queue), not the file.
  std::printf("2 GiB up and down: peak RSS grew by %ld MiB\n", (after.ru_maxrss - before.ru_maxrss) / 1024);
  EXPECT_LT(after.ru_maxrss - before.ru_maxrss, 200 * 1024) << "peak RSS grew by " << (after.ru_maxrss - before.ru_maxrss) / 1024 << " MiB";
}

}  // namespace
}  // namespace xstilts
