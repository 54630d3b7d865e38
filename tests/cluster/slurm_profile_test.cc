// The Slurm profile: every setting read, every mistake reported with its place, and which file
// applies (--profile, $XSTILTS_PROFILE, the per-user default).
#include "cluster/slurm_profile.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace xstilts {
namespace {

namespace fs = std::filesystem;

TEST(SlurmProfile, ReadsEverySetting) {
  Diagnostics diagnostics;
  const std::optional<SlurmProfile> p = ParseSlurmProfile(
      "partition: gpu\n"
      "account: nlp-lab\n"
      "qos: normal\n"
      "constraint: \"a100|h100\"\n"
      "sbatch_args: [--exclusive, --mail-type=FAIL]\n"
      "gpu_option: gpus\n"
      "gpu_type: a100\n"
      "jobs: 40\n"
      "poll_interval: 5s\n"
      "max_poll_interval: 1m\n"
      "warning_time: 10m\n"
      "defaults:\n"
      "  train: {memory: 32G, time: 12h}\n"
      "  \"*\": {memory: 4G, time: 1:00:00}\n",
      "cluster.yaml", diagnostics);
  ASSERT_TRUE(p) << diagnostics.Render();
  EXPECT_EQ(p->file, "cluster.yaml");
  EXPECT_EQ(p->partition, "gpu");
  EXPECT_EQ(p->account, "nlp-lab");
  EXPECT_EQ(p->qos, "normal");
  EXPECT_EQ(p->constraint, "a100|h100");
  EXPECT_EQ(p->sbatch_args, (std::vector<std::string>{"--exclusive", "--mail-type=FAIL"}));
  EXPECT_EQ(p->gpu_option, GpuOption::kGpus);
  EXPECT_EQ(p->gpu_type, "a100");
  EXPECT_EQ(p->jobs, 40);
  EXPECT_EQ(p->poll_seconds, 5);
  EXPECT_EQ(p->max_poll_seconds, 60);
  EXPECT_EQ(p->warning_seconds, 600);
  // A train node without memory or time gets the train defaults; another type the "*" ones; a
  // declared value wins.
  Resources declared;
  declared.threads = 4;
  const Resources train = p->WithDefaults("train", declared);
  EXPECT_EQ(train.memory_bytes, int64_t{32} << 30);
  EXPECT_EQ(train.time_seconds, 12 * 3600);
  EXPECT_EQ(train.threads, 4);
  const Resources other = p->WithDefaults("tokenize", declared);
  EXPECT_EQ(other.memory_bytes, int64_t{4} << 30);
  EXPECT_EQ(other.time_seconds, 3600);
  declared.time_seconds = 90;
  EXPECT_EQ(p->WithDefaults("train", declared).time_seconds, 90);
}

TEST(SlurmProfile, AnEmptyFileIsTheDefaults) {
  Diagnostics diagnostics;
  const std::optional<SlurmProfile> p = ParseSlurmProfile("", "empty.yaml", diagnostics);
  ASSERT_TRUE(p) << diagnostics.Render();
  EXPECT_EQ(p->partition, "");
  EXPECT_EQ(p->gpu_option, GpuOption::kGres);
  EXPECT_EQ(p->jobs, 100);
  EXPECT_EQ(p->WithDefaults("train", Resources{}).memory_bytes, 0);
}

TEST(SlurmProfile, EveryMistakeIsReportedWithItsPlace) {
  Diagnostics diagnostics;
  const std::optional<SlurmProfile> p = ParseSlurmProfile(
      "partiton: gpu\n"
      "jobs: 0\n"
      "poll_interval: soon\n"
      "gpu_option: cuda\n"
      "sbatch_args: --exclusive\n"
      "defaults:\n"
      "  train: {memory: lots, tme: 1h}\n",
      "cluster.yaml", diagnostics);
  EXPECT_FALSE(p);
  const std::string text = diagnostics.Render();
  EXPECT_NE(text.find("cluster.yaml:1:1: error: unknown Slurm profile setting 'partiton'; did you mean 'partition'?"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("cluster.yaml:2:7: error: 'jobs' expects a whole number of at least 1"), std::string::npos)
      << text;
  EXPECT_NE(text.find("cluster.yaml:3:16: error: 'poll_interval' expects a duration"), std::string::npos) << text;
  EXPECT_NE(text.find("cluster.yaml:4:13: error: 'gpu_option' expects gres"), std::string::npos) << text;
  EXPECT_NE(text.find("cluster.yaml:5:14: error: 'sbatch_args' expects a list of strings"), std::string::npos)
      << text;
  EXPECT_NE(text.find("cluster.yaml:7:19: error: 'memory' expects a size"), std::string::npos) << text;
  EXPECT_NE(text.find("unknown default 'tme'; did you mean 'time'?"), std::string::npos) << text;
  EXPECT_EQ(diagnostics.size(), 7u) << text;
}

TEST(SlurmProfile, TheFlagThenTheEnvironmentThenTheUsersDefault) {
  const fs::path home = fs::temp_directory_path() / ("xstilts_profile_home_" + std::to_string(::getpid()));
  fs::remove_all(home);
  EXPECT_EQ(FindSlurmProfile("", nullptr, home.string()), "");  // none: the built-in defaults
  fs::create_directories(home / ".config" / "xstilts");
  std::ofstream(home / ".config" / "xstilts" / "slurm.yaml") << "partition: gpu\n";
  const std::string user = (home / ".config" / "xstilts" / "slurm.yaml").string();
  EXPECT_EQ(FindSlurmProfile("", nullptr, home.string()), user);
  EXPECT_EQ(FindSlurmProfile("", "", home.string()), user);  // an empty variable counts as unset
  EXPECT_EQ(FindSlurmProfile("", "/etc/lab.yaml", home.string()), "/etc/lab.yaml");
  EXPECT_EQ(FindSlurmProfile("mine.yaml", "/etc/lab.yaml", home.string()), "mine.yaml");
  fs::remove_all(home);
}

}  // namespace
}  // namespace xstilts
