// A node's sbatch command: resources and profile settings as sbatch options, the key in the job's
// name and comment, and the command quoted for the shell.
#include "cluster/sbatch_command.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace xstilts {
namespace {

bool Has(const std::vector<std::string>& argv, const std::string& arg) {
  return std::find(argv.begin(), argv.end(), arg) != argv.end();
}

JobRequest TrainJob() {
  JobRequest job;
  job.node = "xlmr_mnli";
  job.node_type = "train";
  job.key = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  job.resources.threads = 8;
  job.resources.gpus = 2;
  job.log_path = "/cache/runs/p/jobs/xlmr_mnli.log";
  job.workdir = "/home/me/study";
  job.command = {"xstilts", "run-node", "/cache", job.key};
  return job;
}

TEST(SbatchCommand, ResourcesAndProfileBecomeOptions) {
  SlurmProfile profile;
  profile.partition = "gpu";
  profile.account = "nlp";
  profile.sbatch_args = {"--exclusive"};
  profile.defaults["train"].memory_bytes = (int64_t{32} << 30) + 1;  // rounds up to the next MiB
  profile.defaults["train"].time_seconds = 12 * 3600 + 1;             // rounds up to the minute
  const std::vector<std::string> argv = SbatchCommand(profile, TrainJob());
  EXPECT_EQ(argv.front(), "sbatch");
  EXPECT_TRUE(Has(argv, "--parsable"));
  EXPECT_TRUE(Has(argv, "--job-name=xstilts-0123456789abcdef"));
  EXPECT_TRUE(Has(argv, "--comment=xstilts " + TrainJob().key + " xlmr_mnli"));
  EXPECT_TRUE(Has(argv, "--output=/cache/runs/p/jobs/xlmr_mnli.log"));
  EXPECT_TRUE(Has(argv, "--chdir=/home/me/study"));
  EXPECT_TRUE(Has(argv, "--cpus-per-task=8"));
  EXPECT_TRUE(Has(argv, "--gres=gpu:2"));
  EXPECT_TRUE(Has(argv, "--mem=32769M"));
  EXPECT_TRUE(Has(argv, "--time=0-12:01:00"));
  EXPECT_TRUE(Has(argv, "--requeue"));
  EXPECT_TRUE(Has(argv, "--signal=B:USR1@300"));
  EXPECT_TRUE(Has(argv, "--partition=gpu"));
  EXPECT_TRUE(Has(argv, "--account=nlp"));
  EXPECT_TRUE(Has(argv, "--exclusive"));
  EXPECT_FALSE(Has(argv, "--qos="));
  EXPECT_EQ(argv.back(), "--wrap=xstilts run-node /cache " + TrainJob().key);
}

TEST(SbatchCommand, GpusOptionTypesAndUndeclaredLimits) {
  SlurmProfile profile;
  profile.gpu_option = GpuOption::kGpus;
  profile.gpu_type = "a100";
  profile.warning_seconds = 0;
  JobRequest job = TrainJob();
  job.resources.time_seconds = 3 * 86400;
  const std::vector<std::string> argv = SbatchCommand(profile, job);
  EXPECT_TRUE(Has(argv, "--gpus=a100:2"));
  EXPECT_TRUE(Has(argv, "--time=3-00:00:00"));
  for (const std::string& arg : argv) {
    EXPECT_NE(arg.rfind("--mem", 0), 0u) << arg;  // no memory declared, no default: the cluster's
    EXPECT_NE(arg.rfind("--signal", 0), 0u) << arg;
    EXPECT_NE(arg.rfind("--partition", 0), 0u) << arg;
  }
  profile.gpu_option = GpuOption::kGres;
  EXPECT_TRUE(Has(SbatchCommand(profile, job), "--gres=gpu:a100:2"));
  job.resources.gpus = 0;
  job.resources.threads = 0;  // "all the executor has" locally: one CPU unless declared
  const std::vector<std::string> cpu = SbatchCommand(profile, job);
  EXPECT_TRUE(Has(cpu, "--cpus-per-task=1"));
  for (const std::string& arg : cpu) EXPECT_EQ(arg.find("gpu"), std::string::npos) << arg;
}

TEST(SbatchCommand, TheCommandIsQuotedForTheShell) {
  EXPECT_EQ(ShellQuote("plain/path-1.2_x=y:z"), "plain/path-1.2_x=y:z");
  EXPECT_EQ(ShellQuote("two words"), "'two words'");
  EXPECT_EQ(ShellQuote("it's"), "'it'\\''s'");
  EXPECT_EQ(ShellQuote(""), "''");
  EXPECT_EQ(ShellQuote("$HOME;rm -rf /"), "'$HOME;rm -rf /'");
  JobRequest job = TrainJob();
  job.command = {"xstilts", "run-node", "/my cache", "k"};
  EXPECT_EQ(SbatchCommand(SlurmProfile{}, job).back(), "--wrap=xstilts run-node '/my cache' k");
}

}  // namespace
}  // namespace xstilts
