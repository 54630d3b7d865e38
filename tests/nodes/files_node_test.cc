// The files node: local files and directories as a bundle, keyed by their content.
#include <gtest/gtest.h>

#include "base/input_error.h"
#include "tests/integration/cli_harness.h"
#include "tests/nodes/download_test_support.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::FakeNodeContext;

const char kPipeline[] = R"(nodes:
  local:
    type: files
    params:
      paths: ["data/glossary.tsv", "data/extra/"]
)";

TEST(FilesNode, EditingAFileMakesTheNodeStaleTouchingItDoesNot) {
  CliHarness h("files_stale");
  h.Write("p.yaml", kPipeline);
  h.Write("data/glossary.tsv", "cat\tchat\n");
  h.Write("data/extra/a.txt", "a\n");
  h.Write("data/extra/sub/b.txt", "b\n");
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.Statuses(), (std::map<std::string, std::string>{{"local", "ran"}}));

  // Same content, new mtime: the hasher reads the file again and finds the same hash.
  fs::path glossary = h.dir() / "data/glossary.tsv";
  fs::last_write_time(glossary, fs::last_write_time(glossary) + std::chrono::hours(1));
  CliResult touched = h.Run({"status", "p.yaml"});
  EXPECT_EQ(touched.out, "1 nodes: 1 cached, 0 stale\n  cached  local\n");

  h.Write("data/glossary.tsv", "cat\tchat\ndog\tchien\n");
  CliResult edited = h.Run({"status", "p.yaml"});
  EXPECT_EQ(edited.out, "1 nodes: 0 cached, 1 stale\n  stale   local: file data/glossary.tsv changed\n");

  h.Write("data/extra/sub/c.txt", "c\n");
  CliResult added = h.Run({"status", "p.yaml"});
  EXPECT_EQ(added.out,
            "1 nodes: 0 cached, 1 stale\n  stale   local: file data/extra/ changed; file data/glossary.tsv changed\n");

  CliResult second = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  std::string key = second.Json()["nodes"][0]["key"];
  EXPECT_EQ(testing::ReadBundle(h.cache() / "entries" / key.substr(0, 2) / key / "out.h5", h.dir() / "unpacked"),
            (std::map<std::string, std::string>{{"glossary.tsv", "cat\tchat\ndog\tchien\n"},
                                                {"extra/a.txt", "a\n"},
                                                {"extra/sub/b.txt", "b\n"},
                                                {"extra/sub/c.txt", "c\n"}}));
}

TEST(FilesNode, MissingPathIsAnErrorNamingIt) {
  CliHarness h("files_missing");
  h.Write("p.yaml", kPipeline);
  h.Write("data/extra/a.txt", "a\n");
  CliResult run = h.Run({"run", "p.yaml"});
  EXPECT_EQ(run.exit_code, 2);
  EXPECT_EQ(run.err, "error: node 'local' (p.yaml:2:3): data/glossary.tsv: no such file or directory (relative to " +
                         h.dir().string() + ")\n");
}

class FilesNodeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir(std::string("files_") + ::testing::UnitTest::GetInstance()->current_test_info()->name());
    base_ = dir_ / "project";
  }
  std::unique_ptr<FakeNodeContext> Context(std::vector<std::string> paths) {
    return std::make_unique<FakeNodeContext>("files", nlohmann::json{{"paths", paths}}, dir_ / "run", dir_ / "resume", base_);
  }
  std::string RunError(std::vector<std::string> paths) {
    try {
      Context(std::move(paths))->Run();
    } catch (const InputError& e) {
      return e.what();
    }
    return "(no InputError)";
  }
  fs::path dir_, base_;
};

TEST_F(FilesNodeTest, BundleHoldsEachPathUnderItsNameAndKeepsTheExecutableBit) {
  testing::WriteText(base_ / "scripts/prep.sh", "#!/bin/sh\n");
  fs::permissions(base_ / "scripts/prep.sh", fs::perms::owner_exec, fs::perm_options::add);
  testing::WriteText(base_ / "notes.txt", "n\n");
  testing::WriteText(dir_ / "outside.txt", "o\n");
  auto ctx = Context({"scripts", "./notes.txt", "../outside.txt"});
  ctx->Run();
  EXPECT_EQ(testing::ReadBundle(ctx->output("out"), dir_ / "unpacked"),
            (std::map<std::string, std::string>{
                {"scripts/prep.sh", "#!/bin/sh\n"}, {"notes.txt", "n\n"}, {"outside.txt", "o\n"}}));
  EXPECT_NE(fs::status(dir_ / "unpacked/scripts/prep.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_EQ(ctx->logs, (std::vector<std::string>{"stored 3 files"}));
}

TEST_F(FilesNodeTest, BadPathsAreInputErrors) {
  testing::WriteText(base_ / "a/x.txt", "1\n");
  testing::WriteText(base_ / "b/x.txt", "2\n");
  EXPECT_EQ(RunError({"a/x.txt", "b/x.txt"}), "paths 'a/x.txt' and 'b/x.txt' would both be stored as 'x.txt'");
  EXPECT_EQ(RunError({""}), "parameter 'paths' holds an empty path");
  EXPECT_EQ(RunError({(dir_ / "nope").string()}), (dir_ / "nope").string() + ": no such file or directory");
  EXPECT_EQ(RunError({"/"}), "/: cannot store the root directory");
}

}  // namespace
}  // namespace xstilts
