// The pieces of the Slurm executor that need no cluster: reading squeue's output, the node spec
// and attempt files, and following a run log that other processes append to.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "cluster/node_job.h"
#include "cluster/run_log_follower.h"
#include "cluster/slurm_client.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

class TempFolder {
 public:
  TempFolder() : path_(fs::temp_directory_path() / ("xstilts_cluster_test_" + std::to_string(::getpid()))) {
    fs::remove_all(path_);
    fs::create_directories(path_);
  }
  ~TempFolder() { fs::remove_all(path_); }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

TEST(ParseQueue, ReadsEveryFieldAndKeepsBarsInTheComment) {
  const std::string out =
      "41|PENDING|Resources|(null)|xstilts-0123456789abcdef|xstilts 0123abcd train_a|b\n"
      "42|RUNNING|None|node17|xstilts-fedcba9876543210|xstilts fedc eval\n"
      "43|RUNNING|None|node18|bash|(null)\n"
      "not a line of the format\n";
  const std::map<std::string, QueuedJob> jobs = ParseQueue(out);
  ASSERT_EQ(jobs.size(), 3u);
  EXPECT_EQ(jobs.at("41").state, "PENDING");
  EXPECT_EQ(jobs.at("41").reason, "Resources");
  EXPECT_EQ(jobs.at("41").host, "");
  EXPECT_EQ(jobs.at("41").name, "xstilts-0123456789abcdef");
  EXPECT_EQ(jobs.at("41").comment, "xstilts 0123abcd train_a|b");
  EXPECT_EQ(jobs.at("42").host, "node17");
  EXPECT_EQ(jobs.at("43").comment, "");
  EXPECT_TRUE(ParseQueue("").empty());
}

TEST(NodeJob, SpecAndAttemptRoundTripAndABrokenSpecIsNamed) {
  TempFolder dir;
  NodeJobSpec spec;
  spec.pipeline = "/shared/p.yaml";
  spec.set = {"vars.lr=1e-5", "a.params.x='it''s'"};
  spec.cache = "/shared/cache";
  spec.node = "train_a";
  spec.key = "0123abcd";
  spec.force = true;
  spec.run_log = "/shared/cache/runs/p/run.jsonl";
  spec.submitted_at = 1.5e9;
  const fs::path path = NodeJobSpecPath(dir.path());
  ASSERT_TRUE(WriteNodeJobSpec(path, spec).ok());
  Result<NodeJobSpec> read = ReadNodeJobSpec(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->set, spec.set);
  EXPECT_EQ(read->node, "train_a");
  EXPECT_TRUE(read->force);
  EXPECT_EQ(read->submitted_at, 1.5e9);

  std::ofstream(path) << "{\"pipeline\": 3}";
  EXPECT_EQ(ReadNodeJobSpec(path).status().kind(), ErrorKind::kCorrupt);
  EXPECT_NE(ReadNodeJobSpec(path).status().message().find(path.string()), std::string::npos);
  EXPECT_EQ(ReadNodeJobSpec(dir.path() / "missing.json").status().kind(), ErrorKind::kNotFound);

  const fs::path attempt = AttemptPath(dir.path(), "42");
  EXPECT_FALSE(ReadAttempt(attempt).has_value());
  ASSERT_TRUE(WriteAttempt(attempt, AttemptRecord{AttemptOutcome::kBusy, "", "node17", 2}).ok());
  const std::optional<AttemptRecord> back = ReadAttempt(attempt);
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->outcome, AttemptOutcome::kBusy);
  EXPECT_EQ(back->host, "node17");
  EXPECT_EQ(back->restarts, 2);
  std::ofstream(attempt) << "{\"outcome\": \"exploded\"}";
  EXPECT_FALSE(ReadAttempt(attempt).has_value());
}

TEST(RunLogFollower, ReadsOnlyWhatWasAppendedAndWaitsForAWholeLine) {
  TempFolder dir;
  const fs::path log = dir.path() / "run.jsonl";
  std::ofstream(log) << "{\"event\": \"before\"}\n";
  RunLogFollower follower(log);
  std::vector<std::string> seen;
  const auto collect = [&](const nlohmann::json& e) { seen.push_back(e.value("event", "")); };
  follower.Follow(collect);
  EXPECT_TRUE(seen.empty());
  {
    std::ofstream out(log, std::ios::app);
    out << "{\"event\": \"start\"}\nnot json\n{\"event\": \"prog";
  }
  follower.Follow(collect);
  EXPECT_EQ(seen, (std::vector<std::string>{"start"}));
  {
    std::ofstream out(log, std::ios::app);
    out << "ress\"}\n";
  }
  follower.Follow(collect);
  EXPECT_EQ(seen, (std::vector<std::string>{"start", "progress"}));
}

}  // namespace
}  // namespace xstilts
