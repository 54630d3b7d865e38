// What reaches the cache is what the key says: an external file that changes while its node runs
// fails the node and caches nothing, and files that are not regular files are refused when the
// run is planned instead of blocking it.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>

#include "base/sha256.h"
#include "tests/integration/cli_harness.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

size_t CacheEntries(const CliHarness& h) {
  size_t n = 0;
  if (!fs::exists(h.cache() / "entries")) return 0;
  for (const auto& entry : fs::recursive_directory_iterator(h.cache() / "entries")) {
    n += entry.is_regular_file() && entry.path().filename() == "meta.json";
  }
  return n;
}

std::string Bytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// The body reads data.txt, then data.txt is replaced (here by the body itself while the file
// `change` exists, as a colleague's copy or a finishing download would): the artifact was made from
// content the key does not name.
TEST(CacheIntegrity, FileChangedWhileItsNodeRunsFailsTheNodeAndCachesNothing) {
  CliHarness h("changed_during_run");
  h.Write("data.txt", "2490 rows\n");
  h.Write("change", "");
  h.Write("p.yaml", R"(
nodes:
  read:
    type: exec
    params:
      cmd: ["sh", "-c", "cat data.txt > $XSTILTS_OUT/copy.txt; if [ -e change ]; then echo 10 rows > data.txt; fi"]
      deps: ["data.txt"]
)");
  CliResult changed = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(changed.exit_code, 1) << changed.err;
  EXPECT_EQ(changed.Statuses()["read"], "failed");
  EXPECT_NE(changed.err.find("data.txt changed while the node ran"), std::string::npos) << changed.err;
  EXPECT_NE(changed.err.find("nothing was cached"), std::string::npos) << changed.err;
  EXPECT_EQ(CacheEntries(h), 0u);

  // The original content back: the same key as the failed run, which is not cached, so the node
  // runs, and its artifact holds that content.
  fs::remove(h.dir() / "change");
  h.Write("data.txt", "2490 rows\n");
  CliResult restored = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(restored.exit_code, 0) << restored.err;
  EXPECT_EQ(restored.Statuses()["read"], "ran");
  EXPECT_EQ(CacheEntries(h), 1u);
  EXPECT_NE(Bytes(h.ArtifactOf(restored, "read", "out")).find("2490 rows"), std::string::npos);
}

// The file changes after the run was planned and before its node reads it: the node finds its
// key's lock held (here, as another process building that key would) and is tried again later,
// the file is replaced meanwhile, and the reader's own hash of the bytes it read fails the node.
TEST(CacheIntegrity, FileChangedBeforeItsNodeReadsItFailsOnTheBytesRead) {
  CliHarness h("changed_before_read");
  const std::string planned = "a b\tc d\tentailment\n";
  const std::string replaced = "x y\tz w\tneutral\n";
  h.Write("dev.tsv", planned);
  h.Write("p.yaml", "nodes:\n  dev:\n    type: dataset\n    params: {format: xnli, path: dev.tsv, language: en}\n");
  CliResult dry = h.Run({"run", "p.yaml", "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const std::string key = dry.Json()["nodes"][0]["key"].get<std::string>();
  fs::create_directories(h.cache() / "locks");
  const int lock = ::open((h.cache() / "locks" / (key + ".lock")).c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);  // not inherited by the run
  ASSERT_GE(lock, 0);
  ASSERT_EQ(::flock(lock, LOCK_EX), 0);
  const pid_t run = h.Start({"run", "p.yaml", "--json"}, "run");
  bool waiting = false;
  for (int i = 0; i < 600 && !waiting; ++i) {
    waiting = h.Read("run.err").find("dev: another process is building the same key") != std::string::npos;
    if (!waiting) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  h.Write("dev.tsv", replaced);
  ::close(lock);
  CliResult r = h.Wait(run, "run");
  ASSERT_TRUE(waiting) << r.err;
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.Statuses()["dev"], "failed");
  const std::string message = "dev.tsv changed after the run was planned (sha256 " +
                              Sha256Hex(planned).substr(0, 12) + "... then, " + Sha256Hex(replaced).substr(0, 12) +
                              "... in the bytes read); nothing was cached: run again to build from the new content";
  EXPECT_NE(r.err.find(message), std::string::npos) << r.err;
  EXPECT_EQ(CacheEntries(h), 0u);
}

// `cp -p` and rsync keep the mtime (and here the size and inode) of what they overwrite: only the
// ctime tells that the content changed, so a remembered hash must not be reused.
TEST(CacheIntegrity, RewriteThatKeepsSizeAndMtimeIsStillNoticed) {
  CliHarness h("same_mtime");
  h.Write("data.txt", "version 1\n");
  h.Write("p.yaml", R"(
nodes:
  read:
    type: exec
    params: {cmd: ["sh", "-c", "cat data.txt > $XSTILTS_OUT/copy.txt"], deps: ["data.txt"]}
)");
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  struct stat before;
  ASSERT_EQ(::stat((h.dir() / "data.txt").c_str(), &before), 0);
  h.Write("data.txt", "version 2\n");  // same size
  const timespec times[2] = {before.st_atim, before.st_mtim};
  ASSERT_EQ(::utimensat(AT_FDCWD, (h.dir() / "data.txt").c_str(), times, 0), 0);
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["read"], "ran") << r.err;
  EXPECT_NE(r.err.find("file data.txt changed"), std::string::npos) << r.err;
}

TEST(CacheIntegrity, FifoAsAnInputFileIsRefusedWhenPlanning) {
  CliHarness h("fifo");
  ASSERT_EQ(::mkfifo((h.dir() / "data.txt").c_str(), 0600), 0);
  h.Write("p.yaml", R"(
nodes:
  read:
    type: exec
    params: {cmd: ["sh", "-c", "cat data.txt > $XSTILTS_OUT/copy.txt"], deps: ["data.txt"]}
)");
  // Before the fix this blocked in open() for ever; the harness would hang, not fail.
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("data.txt: not a regular file or a directory"), std::string::npos) << r.err;
  EXPECT_EQ(CacheEntries(h), 0u);
}

TEST(CacheIntegrity, EveryMissingInputFileIsReportedAtOnceBeforeAnythingRuns) {
  CliHarness h("missing_files");
  h.Write("p.yaml", R"(
nodes:
  first:
    type: exec
    params: {cmd: ["sh", "-c", "touch ran_first; cat a.txt > $XSTILTS_OUT/a.txt"], deps: ["a.txt"]}
  second:
    type: exec
    inputs: {in: first}
    params: {cmd: ["sh", "-c", "touch ran_second; cat b.txt > $XSTILTS_OUT/b.txt"], deps: ["b.txt"]}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("error: node 'first' ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("a.txt: no such file or directory"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("error: node 'second' ("), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("b.txt: no such file or directory"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(h.dir() / "ran_first"));
  EXPECT_EQ(CacheEntries(h), 0u);
}

TEST(CacheIntegrity, DirectoryOrEmptyFileAsADatasetIsRefusedWhenPlanning) {
  CliHarness h("dataset_not_a_file");
  fs::create_directories(h.dir() / "train.tsv");
  h.Write("empty.tsv", "");
  h.Write("p.yaml", R"(
nodes:
  from_dir:
    type: dataset
    params: {format: xnli, path: train.tsv, language: en}
  from_empty:
    type: dataset
    params: {format: xnli, path: empty.tsv, language: en}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("train.tsv: is a directory; a 'xnli' dataset is read from files"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("empty.tsv: is empty; a 'xnli' dataset needs examples"), std::string::npos) << r.err;
  EXPECT_EQ(CacheEntries(h), 0u);
}


// Two machines that build one key must produce one blob: HDF5 would stamp each object with the
// time it was created.
TEST(CacheIntegrity, RebuildingANodeGivesByteIdenticalArtifacts) {
  CliHarness h("reproducible");
  fs::create_directories(h.dir() / "data");
  h.Write("data/a.txt", "alpha\n");
  h.Write("p.yaml", R"(
nodes:
  copied:
    type: files
    params: {paths: ["data/a.txt"]}
  made:
    type: exec
    params: {cmd: ["sh", "-c", "echo made > $XSTILTS_OUT/made.txt"]}
)");
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const std::string copied = Bytes(h.ArtifactOf(first, "copied", "out"));
  const std::string made = Bytes(h.ArtifactOf(first, "made", "out"));
  ASSERT_FALSE(copied.empty());
  ASSERT_FALSE(made.empty());
  std::this_thread::sleep_for(std::chrono::milliseconds(1100));  // timestamps have 1 s resolution
  CliResult again = h.Run({"run", "p.yaml", "--json", "--force", "copied", "--force", "made"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(again.Statuses()["copied"], "ran");
  EXPECT_TRUE(Bytes(h.ArtifactOf(again, "copied", "out")) == copied);
  EXPECT_TRUE(Bytes(h.ArtifactOf(again, "made", "out")) == made);
}

// Root can write anywhere, so the unwritable place is a path through a regular file.
TEST(CacheIntegrity, UnwritableRunLogIsAnEnvironmentErrorOnlyWhenSomethingMustRun) {
  CliHarness h("run_log");
  h.Write("not_a_dir", "");
  h.Write("p.yaml", R"(
nodes:
  made:
    type: exec
    params: {cmd: ["sh", "-c", "echo made > $XSTILTS_OUT/made.txt"]}
)");
  CliResult refused = h.Run({"run", "p.yaml", "--log", (h.dir() / "not_a_dir/run.jsonl").string()});
  EXPECT_EQ(refused.exit_code, 3) << refused.err;
  EXPECT_NE(refused.err.find("error: cannot open the run log"), std::string::npos) << refused.err;
  EXPECT_EQ(refused.err.find("terminate called"), std::string::npos) << refused.err;
  EXPECT_EQ(CacheEntries(h), 0u);

  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  CliResult cached = h.Run({"run", "p.yaml", "--log", (h.dir() / "not_a_dir/run.jsonl").string()});
  EXPECT_EQ(cached.exit_code, 0) << cached.err;
  EXPECT_NE(cached.err.find("warning: cannot open the run log"), std::string::npos) << cached.err;
  EXPECT_NE(cached.out.find("done: ran 0, cached 1"), std::string::npos) << cached.out;
}

// A full disk, simulated by a file-size limit (writes past it fail with EFBIG; SIGXFSZ ignored):
// the node fails naming what it could not write, nothing is cached, and the process still ends
// with its summary and exit 1 (HDF5's shutdown at exit used to crash on the failed file: 139).
TEST(CacheIntegrity, WriteFailureFailsTheNodeAndTheRunStillEndsWithItsSummary) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme");
  CliHarness h("write_fails");
  h.Write("p.yaml", "nodes:\n  xnli_dev:\n    type: dataset\n    params:\n      format: xnli\n      path: \"" +
                        (xnli / "dev-{lang}.tsv").string() + "\"\n      languages: [ar, bg, de, el, en, es, fr, ru]\n");
  const std::string command = "cd '" + h.dir().string() + "' && ulimit -f 2048 && trap '' XFSZ && exec '" +
                              std::string(XSTILTS_BIN) + "' run p.yaml --cache cache > out.txt 2> err.txt";
  const int status = std::system(("sh -c \"" + command + "\"").c_str());
  ASSERT_TRUE(WIFEXITED(status)) << "killed by a signal: " << status;
  EXPECT_EQ(WEXITSTATUS(status), 1) << h.Read("err.txt");
  EXPECT_NE(h.Read("err.txt").find("(disk full?)"), std::string::npos) << h.Read("err.txt");
  EXPECT_NE(h.Read("out.txt").find("failed: ran 0, cached 0, failed 1"), std::string::npos) << h.Read("out.txt");
  EXPECT_EQ(CacheEntries(h), 0u);
  EXPECT_TRUE(fs::is_empty(h.cache() / "tmp"));
}

}  // namespace
}  // namespace xstilts
