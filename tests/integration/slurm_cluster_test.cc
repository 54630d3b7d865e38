// The test cluster itself (scripts/slurm-cluster.sh): a one-node Slurm on 127.0.0.1 that runs a
// job, gives a job asking for a GPU its CUDA_VISIBLE_DEVICES from the dummy gres, keeps finished
// jobs visible to squeue, and records final states without an accounting database.
#include "tests/integration/slurm_cluster.h"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

namespace xstilts {
namespace {

using testing::SlurmCluster;

// Waits up to `seconds` for `job` to leave the pending and running states; its final state.
std::string WaitForJob(const SlurmCluster& cluster, const std::string& job, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  std::string state;
  while (std::chrono::steady_clock::now() < deadline) {
    state = cluster.Run("squeue --states=all -h -j " + job + " -o %T");
    while (!state.empty() && (state.back() == '\n' || state.back() == ' ')) state.pop_back();
    if (!state.empty() && state != "PENDING" && state != "RUNNING" && state != "CONFIGURING" && state != "COMPLETING") {
      return state;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  return "timeout (last state '" + state + "')";
}

TEST(SlurmTestCluster, RunsJobsAndHandsOutTheDummyGpus) {
  SlurmCluster cluster;
  if (!cluster.installed()) GTEST_SKIP() << cluster.why();
  ASSERT_TRUE(cluster.running()) << cluster.start_error() << cluster.Logs();
  const std::string out = (cluster.dir() / "job.out").string();
  std::string job = cluster.Run("sbatch --parsable --gres=gpu:1 -o '" + out +
                                "' --wrap 'echo job=$SLURM_JOB_ID gpus=$CUDA_VISIBLE_DEVICES'");
  while (!job.empty() && job.back() == '\n') job.pop_back();
  ASSERT_FALSE(job.empty()) << cluster.Logs();
  EXPECT_EQ(WaitForJob(cluster, job, 60), "COMPLETED") << cluster.Logs();
  EXPECT_EQ(SlurmCluster::ReadFile(out), "job=" + job + " gpus=0\n");
  // No accounting database: the job completion log has the final state.
  EXPECT_NE(SlurmCluster::ReadFile(cluster.jobcomp()).find("JobId=" + job), std::string::npos);
}

}  // namespace
}  // namespace xstilts
