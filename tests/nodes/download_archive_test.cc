// Downloaded archives: tar.gz and zip built in the test with libarchive's writer, served locally,
// unpacked into the bundle; entries that would escape the target directory are refused.
#include <archive.h>
#include <archive_entry.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "base/input_error.h"
#include "base/sha256.h"
#include "nodes/archive_unpack.h"
#include "tests/nodes/download_test_support.h"
#include "tests/nodes/test_http_server.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::FakeNodeContext;
using testing::HttpResource;
using testing::TestHttpServer;

struct Entry {
  std::string path;
  std::string content;
  int type = AE_IFREG;  // AE_IFREG, AE_IFDIR or AE_IFLNK (content = link target)
  int mode = 0644;
};

// Builds an archive in memory: format "tar.gz" or "zip".
std::string BuildArchive(const std::string& format, const std::vector<Entry>& entries) {
  archive* a = archive_write_new();
  if (format == "tar.gz") {
    archive_write_set_format_pax_restricted(a);
    archive_write_add_filter_gzip(a);
  } else {
    archive_write_set_format_zip(a);
  }
  std::string buffer(1 << 20, '\0');
  size_t used = 0;
  EXPECT_EQ(archive_write_open_memory(a, buffer.data(), buffer.size(), &used), ARCHIVE_OK);
  for (const Entry& e : entries) {
    archive_entry* entry = archive_entry_new();
    archive_entry_set_pathname(entry, e.path.c_str());
    archive_entry_set_filetype(entry, static_cast<unsigned>(e.type));
    archive_entry_set_perm(entry, static_cast<mode_t>(e.mode));
    if (e.type == AE_IFLNK) archive_entry_set_symlink(entry, e.content.c_str());
    archive_entry_set_size(entry, e.type == AE_IFREG ? static_cast<la_int64_t>(e.content.size()) : 0);
    EXPECT_EQ(archive_write_header(a, entry), ARCHIVE_OK) << archive_error_string(a);
    if (e.type == AE_IFREG) archive_write_data(a, e.content.data(), e.content.size());
    archive_entry_free(entry);
  }
  archive_write_close(a);
  archive_write_free(a);
  buffer.resize(used);
  return buffer;
}

const std::vector<Entry> kCorpus = {
    {"corpus/", "", AE_IFDIR, 0755},
    {"corpus/train.tsv", "en\thello\tbonjour\n"},
    {"corpus/dev/dev.tsv", "en\tyes\toui\n"},
    {"./corpus/run.sh", "#!/bin/sh\necho run\n", AE_IFREG, 0755},
    {"corpus/latest", "train.tsv", AE_IFLNK, 0777},
};

const std::map<std::string, std::string> kCorpusFiles = {
    {"corpus/train.tsv", "en\thello\tbonjour\n"},
    {"corpus/dev/dev.tsv", "en\tyes\toui\n"},
    {"corpus/run.sh", "#!/bin/sh\necho run\n"},
};

class DownloadArchiveTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir(std::string("archive_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  // Serves `bytes` at `path` and runs the download node on it.
  std::unique_ptr<FakeNodeContext> Download(const std::string& path, const std::string& bytes, nlohmann::json params = {}) {
    HttpResource r;
    r.body = bytes;
    server_.Serve(path, r);
    params["urls"] = {server_.Url(path)};
    params["sha256"] = Sha256Hex(bytes);
    auto ctx = std::make_unique<FakeNodeContext>("download", params, dir_ / "run", dir_ / "resume", dir_);
    return ctx;
  }
  fs::path unpacked() const { return dir_ / "unpacked"; }

  TestHttpServer server_;
  fs::path dir_;
};

TEST_F(DownloadArchiveTest, TarGzIsUnpackedIntoTheBundleByItsSuffix) {
  auto ctx = Download("/dl/corpus.tar.gz", BuildArchive("tar.gz", kCorpus));
  ctx->Run();
  EXPECT_EQ(testing::ReadBundle(ctx->output("out"), unpacked()), kCorpusFiles);
  EXPECT_NE(fs::status(unpacked() / "corpus/run.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_EQ(fs::status(unpacked() / "corpus/train.tsv").permissions() & fs::perms::owner_exec, fs::perms::none);
  std::vector<std::string> tail(ctx->logs.end() - 2, ctx->logs.end());
  EXPECT_EQ(tail, (std::vector<std::string>{"skipped archive entry corpus/latest (symbolic link)",
                                            "unpacked 3 files (47 B)"}));
}

TEST_F(DownloadArchiveTest, ZipIsUnpackedWhenAskedForAUrlWithoutSuffix) {
  auto ctx = Download("/get", BuildArchive("zip", kCorpus), {{"unpack", "zip"}});
  ctx->Run();
  EXPECT_EQ(testing::ReadBundle(ctx->output("out"), unpacked()), kCorpusFiles);
}

TEST_F(DownloadArchiveTest, ArchiveIsStoredAsIsWithUnpackNone) {
  std::string bytes = BuildArchive("zip", kCorpus);
  auto ctx = Download("/dl/corpus.zip", bytes, {{"unpack", "none"}});
  ctx->Run();
  EXPECT_EQ(testing::ReadBundle(ctx->output("out"), unpacked()),
            (std::map<std::string, std::string>{{"corpus.zip", bytes}}));
}

TEST_F(DownloadArchiveTest, DotDotEntryInATarGzIsRefusedAndNothingEscapes) {
  auto ctx = Download("/evil.tar.gz", BuildArchive("tar.gz", {{"ok.txt", "fine\n"}, {"../evil", "gotcha\n"}}));
  try {
    ctx->Run();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), server_.Url("/evil.tar.gz") +
                                         ": archive entry '../evil' has a '..' component; refusing to unpack "
                                         "outside the target directory");
  }
  EXPECT_FALSE(fs::exists(ctx->scratch_dir() / "evil"));
  EXPECT_FALSE(fs::exists(ctx->output("out")));
  EXPECT_FALSE(fs::exists(dir_ / "resume" / "partial"));
}

TEST_F(DownloadArchiveTest, DotDotEntryInAZipIsRefused) {
  auto ctx = Download("/evil.zip", BuildArchive("zip", {{"a/../../evil", "gotcha\n"}}));
  try {
    ctx->Run();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), server_.Url("/evil.zip") +
                                         ": archive entry 'a/../../evil' has a '..' component; refusing to unpack "
                                         "outside the target directory");
  }
  EXPECT_FALSE(fs::exists(ctx->scratch_dir() / "evil"));
  EXPECT_FALSE(fs::exists(ctx->output("out")));
}

TEST_F(DownloadArchiveTest, AbsoluteEntryIsRefused) {
  std::string bytes = BuildArchive("tar.gz", {{"/tmp/xstilts_absolute_evil", "gotcha\n"}});
  fs::path archive = dir_ / "abs.tar.gz";
  testing::WriteText(archive, bytes);
  try {
    UnpackArchive(archive, ArchiveFormat::kTarGz, dir_ / "out");
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()),
              "archive entry '/tmp/xstilts_absolute_evil' is an absolute path; refusing to unpack it");
  }
  EXPECT_FALSE(fs::exists("/tmp/xstilts_absolute_evil"));
}

TEST_F(DownloadArchiveTest, CorruptArchiveIsAnInputErrorNamingTheUrl) {
  auto ctx = Download("/broken.tar.gz", "this is not gzip data at all");
  try {
    ctx->Run();
    FAIL() << "no error";
  } catch (const InputError& e) {
    EXPECT_EQ(std::string(e.what()), server_.Url("/broken.tar.gz") +
                                         ": not a readable tar.gz archive: Unrecognized archive format");
  }
}

TEST(SafeEntryPath, CleansHarmlessPathsAndRefusesEscapes) {
  EXPECT_EQ(SafeEntryPath("a/./b//c"), "a/b/c");
  EXPECT_EQ(SafeEntryPath("./"), "");
  EXPECT_EQ(SafeEntryPath("a..b/..c"), "a..b/..c");
  EXPECT_THROW(SafeEntryPath(".."), InputError);
  EXPECT_THROW(SafeEntryPath("a/b/../../.."), InputError);
  EXPECT_THROW(SafeEntryPath("/etc/passwd"), InputError);
}

}  // namespace
}  // namespace xstilts
