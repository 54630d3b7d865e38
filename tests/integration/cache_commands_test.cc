// xstilts cache ls, du, verify and gc on a real cache: what they print, what gc keeps and
// removes, and that gc waits for a run that is using the cache.
#include <grp.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

const char kChain[] = R"(nodes:
  a:
    type: exec
    params: {cmd: ["sh", "-c", "echo alpha > $XSTILTS_OUT/a.txt"]}
  b:
    type: exec
    inputs: {in: a}
    params:
      cmd: ["sh", "-c", "sleep $PAUSE; cat $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/b.txt; echo $V >> $XSTILTS_OUT/b.txt"]
      env: {V: "1", PAUSE: "0"}
)";

size_t Lines(const std::string& text, const std::string& containing) {
  size_t n = 0;
  for (size_t at = 0; (at = text.find(containing, at)) != std::string::npos; at += containing.size()) ++n;
  return n;
}

class CacheCommands : public ::testing::Test {
 protected:
  void SetUp() override {
    h_.Write("p.yaml", kChain);
    ASSERT_EQ(h_.Run({"run", "p.yaml", "--json"}).exit_code, 0);
    variant_ = h_.Run({"run", "p.yaml", "--json", "--set", "b.params.env={V: \"2\", PAUSE: \"0\"}"});
    ASSERT_EQ(variant_.exit_code, 0) << variant_.err;
  }
  CliHarness h_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  CliResult variant_;
};

TEST_F(CacheCommands, LsAndDuDescribeTheEntries) {
  CliResult ls = h_.Run({"cache", "ls"});
  ASSERT_EQ(ls.exit_code, 0) << ls.err;
  EXPECT_EQ(ls.out.rfind("key           node", 0), 0u) << ls.out;
  EXPECT_EQ(Lines(ls.out, "  a    "), 1u) << ls.out;
  EXPECT_EQ(Lines(ls.out, "  b    "), 2u) << ls.out;
  EXPECT_EQ(Lines(ls.out, " exec "), 3u) << ls.out;
  CliResult only = h_.Run({"cache", "ls", "--pipeline", "elsewhere.yaml"});
  EXPECT_EQ(Lines(only.out, " exec "), 0u) << only.out;
  CliResult du = h_.Run({"cache", "du"});
  ASSERT_EQ(du.exit_code, 0) << du.err;
  EXPECT_NE(du.out.find(" in 3 entries ("), std::string::npos) << du.out;
  EXPECT_NE(du.out.find("by node type:\n"), std::string::npos) << du.out;
  EXPECT_NE(du.out.find("     3  exec\nby pipeline:\n"), std::string::npos) << du.out;
  EXPECT_NE(du.out.find("     3  p.yaml\n"), std::string::npos) << du.out;
}

TEST_F(CacheCommands, VerifyFindsAFlippedByteAndRepairMovesTheEntryAside) {
  const fs::path artifact = h_.ArtifactOf(variant_, "b", "out");
  {
    std::fstream f(artifact, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-8, std::ios::end);
    f.write("XXXXXXXX", 8);
  }
  CliResult found = h_.Run({"cache", "verify"});
  EXPECT_EQ(found.exit_code, 1);
  const std::string key = variant_.Json()["nodes"][1]["key"].get<std::string>();
  EXPECT_NE(found.err.find("error: " + key.substr(0, 12) + " (b): "), std::string::npos) << found.err;
  EXPECT_NE(found.err.find("checksum mismatch"), std::string::npos) << found.err;
  EXPECT_EQ(found.out, "3 entries checked, 1 corrupt (--repair moves them aside)\n");
  CliResult repaired = h_.Run({"cache", "verify", "--repair"});
  EXPECT_EQ(repaired.exit_code, 1);
  EXPECT_NE(repaired.err.find("; moved to corrupt/, the next run rebuilds it"), std::string::npos) << repaired.err;
  EXPECT_FALSE(fs::is_empty(h_.cache() / "corrupt"));
  CliResult clean = h_.Run({"cache", "verify"});
  EXPECT_EQ(clean.exit_code, 0) << clean.err;
  EXPECT_EQ(clean.out, "2 entries checked, 0 corrupt\n");
}

TEST_F(CacheCommands, GcKeepsWhatThePipelineReachesAndRemovesTheRest) {
  CliResult dry = h_.Run({"cache", "gc", "--keep", "p.yaml", "--dry-run"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would remove 1 entries ("), std::string::npos) << dry.out;
  EXPECT_EQ(Lines(h_.Run({"cache", "ls"}).out, " exec "), 3u) << "a dry run removes nothing";
  CliResult young = h_.Run({"cache", "gc", "--keep", "p.yaml", "--older-than", "1d"});
  EXPECT_NE(young.out.find("removed 0 entries"), std::string::npos) << young.out;
  CliResult gc = h_.Run({"cache", "gc", "--keep", "p.yaml"});
  ASSERT_EQ(gc.exit_code, 0) << gc.err;
  EXPECT_NE(gc.out.find("removed 1 entries ("), std::string::npos) << gc.out;
  EXPECT_NE(gc.out.find("kept 2 ("), std::string::npos) << gc.out;
  CliResult again = h_.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(again.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}}));
  // With the variant's overrides kept too, nothing else goes; without any pipeline, all.
  CliResult all = h_.Run({"cache", "gc"});
  EXPECT_NE(all.out.find("removed 2 entries ("), std::string::npos) << all.out;
  CliResult bad = h_.Run({"cache", "gc", "--max-size", "lots"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_EQ(bad.err, "error: --max-size: expected a size such as 500M or 20G, got 'lots'\n");
}

TEST_F(CacheCommands, GcWaitsForARunUsingTheCache) {
  const pid_t run = h_.Start({"run", "p.yaml", "--json", "--set", "b.params.env={V: \"3\", PAUSE: \"2\"}"}, "run");
  bool started = false;  // b sleeps 2 s once it started: the run holds the cache by then
  for (int i = 0; i < 500 && !started; ++i) {
    started = h_.Read("run.err").find("b: started") != std::string::npos;
    if (!started) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(started) << h_.Read("run.err");
  CliResult gc = h_.Run({"cache", "gc", "--keep", "p.yaml"});
  CliResult r = h_.Wait(run, "run");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["b"], "ran");
  EXPECT_NE(gc.err.find("note: waiting for the commands using this cache to end"), std::string::npos) << gc.err;
  // gc ran after the run: it saw (and removed) the run's new entry and the earlier variant's.
  EXPECT_NE(gc.out.find("removed 2 entries ("), std::string::npos) << gc.out;
}

// A cache for a Unix group: everything a run writes there stays group-writable, in the group.
TEST(CacheInit, ASharedCacheStaysWritableByItsGroup) {
  CliHarness h("cache_init");
  h.Write("p.yaml", kChain);
  const ::group* own = ::getgrgid(::getgid());
  ASSERT_NE(own, nullptr);
  CliResult init = h.Run({"cache", "init", "shared", "--group", own->gr_name});
  ASSERT_EQ(init.exit_code, 0) << init.err;
  EXPECT_EQ(init.out, "shared: a cache for group " + std::string(own->gr_name) +
                          " (its folders group-writable and setgid; xstilts keeps new files so)\n");
  ASSERT_EQ(h.Run({"run", "p.yaml", "--cache", "shared"}).exit_code, 0);
  size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(h.dir() / "shared")) {
    struct stat st;
    ASSERT_EQ(::lstat(e.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_gid, own->gr_gid) << e.path();
    EXPECT_NE(st.st_mode & S_IWGRP, 0u) << e.path() << " is not group-writable";
    if (S_ISDIR(st.st_mode)) EXPECT_NE(st.st_mode & S_ISGID, 0u) << e.path() << " is not setgid";
    files += S_ISREG(st.st_mode);
  }
  EXPECT_GT(files, 8u);
  CliResult unknown = h.Run({"cache", "init", "other", "--group", "no-such-group-here"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "error: no Unix group named 'no-such-group-here'\n");
}

}  // namespace
}  // namespace xstilts
