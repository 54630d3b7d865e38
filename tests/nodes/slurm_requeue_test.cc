// A training node's Slurm job requeued while it trains (`scontrol requeue`, what preemption does):
// run-node keeps the resume checkpoint when Slurm stops it, the job runs again and resumes from
// there, and the model ends bit for bit as the one an uninterrupted local run trains (CPU, one
// thread).
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"
#include "tests/integration/slurm_cluster.h"
#include "tests/nodes/model_test_support.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::ModelTensors;
using testing::SlurmCluster;

std::string WithTrain(const fs::path& xnli) {
  return testing::XnliUpstream(xnli, 12, 4) +
         "  cls:\n"
         "    type: train\n"
         "    inputs: {model: mlm, train: tok, dev: tok}\n"
         "    params: {steps: 150, batch_size: 16, lr: 1.0e-3, warmup_ratio: 0.1, eval_every: 10,\n"
         "             checkpoint_every: 5, device: cpu, seed: 3}\n"
         "    resources: {threads: 1}\n";
}

bool HasCheckpoint(const fs::path& cache) {
  std::error_code ec;
  for (fs::recursive_directory_iterator it(cache / "resume", ec), end; !ec && it != end; it.increment(ec)) {
    if (it->path().filename() == "train.h5") return true;
  }
  return false;
}

TEST(SlurmRequeue, ARequeuedTrainingJobResumesFromItsCheckpointToTheSameWeights) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  SlurmCluster cluster;
  if (!cluster.installed()) GTEST_SKIP() << cluster.why();
  ASSERT_TRUE(cluster.running()) << cluster.start_error() << cluster.Logs();
  cluster.ExportSlurmConf();

  CliHarness straight("slurm_requeue_straight"), requeued("slurm_requeue");
  straight.Write("p.yaml", WithTrain(xnli));
  const CliResult a = straight.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;

  // The upstream nodes locally, so that the training is the only job.
  requeued.Write("p.yaml", WithTrain(xnli));
  ASSERT_EQ(requeued.Run({"run", "p.yaml", "--only", "mlm"}).exit_code, 0);
  requeued.Write("profile.yaml", "poll_interval: 1s\nmax_poll_interval: 2s\n");
  const pid_t driver = requeued.Start({"run", "p.yaml", "--executor", "slurm", "--profile", "profile.yaml", "--json"},
                                      "driver");
  bool checkpoint = false;
  for (int i = 0; i < 60000 && !checkpoint; ++i) {
    checkpoint = HasCheckpoint(requeued.cache());
    if (!checkpoint) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ASSERT_TRUE(checkpoint) << "no training checkpoint appeared: " << requeued.Read("driver.err");
  std::string job = cluster.Run("squeue -h -o %i");
  while (!job.empty() && job.back() == '\n') job.pop_back();
  ASSERT_FALSE(job.empty()) << "the training ended before it could be requeued";
  EXPECT_EQ(cluster.Run("scontrol requeue " + job + " 2>&1"), "");

  const CliResult b = requeued.Wait(driver, "driver");
  ASSERT_EQ(b.exit_code, 0) << b.err << cluster.Logs();
  EXPECT_EQ(b.Statuses().at("cls"), "ran");
  const fs::path entry = requeued.ArtifactOf(b, "cls", "model").parent_path();
  const nlohmann::json record = nlohmann::json::parse(SlurmCluster::ReadFile(entry / "meta.json"));
  EXPECT_EQ(record["slurm"]["job_id"], job);
  EXPECT_EQ(record["slurm"]["restarts"], 1) << "the job was not requeued: " << record.dump();
  // The second attempt started from the checkpoint, not from step 1.
  const std::string job_log = SlurmCluster::ReadFile(requeued.cache() / "jobs" / entry.filename() /
                                                     ("slurm-" + job + ".log"));
  EXPECT_NE(job_log.find("resumed from the checkpoint of step"), std::string::npos) << job_log;

  EXPECT_EQ(ModelTensors(straight.ArtifactOf(a, "cls", "model")), ModelTensors(requeued.ArtifactOf(b, "cls", "model")));
}

}  // namespace
}  // namespace xstilts
