// `xstilts run --executor slurm` against a real one-node Slurm cluster on 127.0.0.1
// (tests/integration/slurm_cluster.h): every node in its own job, the same keys and bytes as a
// local run, nothing submitted when all is cached, failures with the job's id and log, GPUs,
// Ctrl-C, a killed driver's jobs adopted, and two drivers sharing one cache. A `sacct` on PATH
// that records its calls shows that the driver never asks the accounting database.
#include <signal.h>
#include <sys/stat.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>

#include "tests/integration/cli_harness.h"
#include "tests/integration/slurm_cluster.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::SlurmCluster;

// Each node appends "<node> <job id>" to $XSTILTS_TEST_RAN (outside the cache, and outside the
// key: the same pipeline text runs locally and on Slurm with the same keys).
const char kDiamond[] = R"(nodes:
  a:
    type: exec
    params: {cmd: ["sh", "-c", "echo a $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; echo alpha > $XSTILTS_OUT/a.txt"]}
  b:
    type: exec
    inputs: {in: a}
    params: {cmd: ["sh", "-c", "echo b $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; tr a-z A-Z < $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/b.txt"]}
  c:
    type: exec
    inputs: {in: a}
    params: {cmd: ["sh", "-c", "echo c $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; rev < $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/c.txt"]}
  d:
    type: exec
    inputs: {x: b, y: c}
    params: {cmd: ["sh", "-c", "echo d $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; cat $XSTILTS_IN_x/b.txt $XSTILTS_IN_y/c.txt > $XSTILTS_OUT/d.txt"]}
  p1:
    type: exec
    params: {cmd: ["sh", "-c", "echo p1 $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; echo one > $XSTILTS_OUT/p.txt"]}
  p2:
    type: exec
    params: {cmd: ["sh", "-c", "echo p2 $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; echo two > $XSTILTS_OUT/p.txt"]}
)";

// `count` independent nodes that each take `seconds`, and one that joins them.
std::string SlowNodes(int count, int seconds, const std::string& tag) {
  std::string yaml = "nodes:\n";
  std::string inputs;
  for (int i = 1; i <= count; ++i) {
    const std::string name = "s" + std::to_string(i);
    yaml += "  " + name + ":\n    type: exec\n    params: {cmd: [\"sh\", \"-c\", \"echo " + name +
            " $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; sleep " + std::to_string(seconds) + "; echo " + tag +
            " > $XSTILTS_OUT/s.txt\"]}\n";
    inputs += (inputs.empty() ? "" : ", ") + std::string("i") + std::to_string(i) + ": " + name;
  }
  yaml += "  join:\n    type: exec\n    inputs: {" + inputs +
          "}\n    params: {cmd: [\"sh\", \"-c\", \"echo join $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; echo j > "
          "$XSTILTS_OUT/j.txt\"]}\n";
  return yaml;
}

class SlurmExecutor : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { cluster_ = new SlurmCluster(); }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    if (!cluster_->installed()) GTEST_SKIP() << cluster_->why();
    ASSERT_TRUE(cluster_->running()) << cluster_->start_error() << cluster_->Logs();
    cluster_->ExportSlurmConf();
    // A `sacct` first on PATH that only records that it was called.
    tools_ = cluster_->dir() / "tools";
    fs::create_directories(tools_);
    fs::remove(tools_ / "sacct.calls");
    std::ofstream(tools_ / "sacct") << "#!/bin/sh\necho \"$@\" >> '" << (tools_ / "sacct.calls").string() << "'\nexit 1\n";
    fs::permissions(tools_ / "sacct", fs::perms::owner_all);
    old_path_ = std::getenv("PATH") ? std::getenv("PATH") : "";
    ::setenv("PATH", (tools_.string() + ":" + old_path_).c_str(), 1);
  }
  void TearDown() override {
    if (!old_path_.empty()) ::setenv("PATH", old_path_.c_str(), 1);
    ::unsetenv("XSTILTS_TEST_RAN");
    if (cluster_ && cluster_->running()) EXPECT_EQ(SlurmCluster::ReadFile(tools_ / "sacct.calls"), "") << "sacct was called";
  }

  // Makes `h` record its nodes' runs in ran.log; a profile that polls every second.
  static void Prepare(const CliHarness& h) {
    ::setenv("XSTILTS_TEST_RAN", (h.dir() / "ran.log").c_str(), 1);
    h.Write("profile.yaml", "poll_interval: 1s\nmax_poll_interval: 2s\n");
  }
  static std::vector<std::string> SlurmRun(const std::string& pipeline, std::vector<std::string> more = {}) {
    std::vector<std::string> args = {"run", pipeline, "--executor", "slurm", "--profile", "profile.yaml", "--json"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
  }
  // node -> the job ids it ran in, from ran.log.
  static std::map<std::string, std::vector<std::string>> Runs(const CliHarness& h) {
    std::map<std::string, std::vector<std::string>> runs;
    std::istringstream lines(h.Read("ran.log"));
    for (std::string node, job; lines >> node >> job;) runs[node].push_back(job);
    return runs;
  }
  // The jobs of this cluster still pending or running.
  static std::string Queued() { return cluster_->Run("squeue -h -o '%i %T'"); }
  static bool WaitUntil(const std::function<bool()>& condition, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return condition();
  }

  static SlurmCluster* cluster_;
  fs::path tools_;
  std::string old_path_;
};

SlurmCluster* SlurmExecutor::cluster_ = nullptr;

TEST_F(SlurmExecutor, EveryNodeRunsOnceInItsOwnJobWithTheKeysAndBytesOfALocalRun) {
  CliHarness slurm("slurm_diamond"), local("slurm_diamond_local");
  Prepare(slurm);
  slurm.Write("p.yaml", kDiamond);
  const CliResult r = slurm.Run(SlurmRun("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err << cluster_->Logs();
  const std::map<std::string, std::vector<std::string>> runs = Runs(slurm);
  std::set<std::string> jobs;
  for (const char* node : {"a", "b", "c", "d", "p1", "p2"}) {
    ASSERT_EQ(runs.count(node), 1u) << node << "\n" << slurm.Read("ran.log");
    ASSERT_EQ(runs.at(node).size(), 1u) << node << " ran more than once";
    jobs.insert(runs.at(node)[0]);
    EXPECT_EQ(r.Statuses().at(node), "ran");
  }
  EXPECT_EQ(jobs.size(), 6u) << "each node has a job of its own: " << slurm.Read("ran.log");
  EXPECT_EQ(jobs.count(""), 0u);
  const nlohmann::json summary = r.Json();
  EXPECT_EQ(summary["slurm"]["submitted"], 6);
  // The cost record holds the job: its id, host and queue wait.
  const nlohmann::json record = nlohmann::json::parse(
      SlurmCluster::ReadFile(slurm.ArtifactOf(r, "d", "out").parent_path() / "meta.json"));
  EXPECT_EQ(record["slurm"]["job_id"], runs.at("d")[0]);
  EXPECT_FALSE(record["slurm"]["host"].get<std::string>().empty());
  EXPECT_GE(record["slurm"]["queue_wait_seconds"].get<double>(), 0.0);

  // A local run of the same file: the same keys, and entries with the same files, byte for byte.
  Prepare(local);
  local.Write("p.yaml", kDiamond);
  const CliResult l = local.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  const nlohmann::json local_summary = l.Json();
  for (const nlohmann::json& node : local_summary["nodes"]) {
    const std::string name = node["name"], key = node["key"];
    bool found = false;
    for (const nlohmann::json& other : summary["nodes"]) {
      if (other["name"] != name) continue;
      found = true;
      EXPECT_EQ(other["key"], key) << name;
    }
    EXPECT_TRUE(found) << name;
    const fs::path rel = fs::path("entries") / key.substr(0, 2) / key / "files.tsv";
    EXPECT_EQ(SlurmCluster::ReadFile(slurm.cache() / rel), SlurmCluster::ReadFile(local.cache() / rel)) << name;
    EXPECT_FALSE(SlurmCluster::ReadFile(local.cache() / rel).empty()) << name;
  }

  // Nothing stale: nothing submitted, nothing run.
  const CliResult again = slurm.Run(SlurmRun("p.yaml"));
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Json()["slurm"]["submitted"], 0);
  EXPECT_EQ(again.Json()["slurm"]["sbatch_calls"], 0);
  EXPECT_EQ(Runs(slurm).at("a").size(), 1u);
}

TEST_F(SlurmExecutor, AFailedNodeNamesItsJobAndItsLogAndSkipsItsDescendants) {
  CliHarness h("slurm_failure");
  Prepare(h);
  h.Write("p.yaml", R"(nodes:
  bad:
    type: exec
    params: {cmd: ["sh", "-c", "echo step 1 of 2; echo the disk is on fire >&2; exit 3"]}
  after:
    type: exec
    inputs: {in: bad}
    params: {cmd: ["true"]}
  independent:
    type: exec
    params: {cmd: ["sh", "-c", "echo ok > $XSTILTS_OUT/ok.txt"]}
)");
  const CliResult r = h.Run(SlurmRun("p.yaml", {"--keep-going"}));
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"bad", "failed"}, {"after", "skipped"}, {"independent", "ran"}}));
  EXPECT_NE(r.err.find("error: node 'bad' (p.yaml:2:3): command exited with status 3"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the disk is on fire"), std::string::npos) << r.err;
  const size_t job = r.err.find("Slurm job ");
  ASSERT_NE(job, std::string::npos) << r.err;
  const std::string id = r.err.substr(job + 10, r.err.find_first_not_of("0123456789", job + 10) - job - 10);
  EXPECT_FALSE(id.empty()) << r.err;
  EXPECT_NE(r.err.find("slurm-" + id + ".log"), std::string::npos) << r.err;
}

TEST_F(SlurmExecutor, AGpuNodeSeesTheGpuSlurmGaveIt) {
  if (SlurmCluster::ReadFile(cluster_->dir() / "gres.conf").empty()) {
    GTEST_SKIP() << "the test cluster has no GPUs (making its fake GPU devices needs root)";
  }
  CliHarness h("slurm_gpu");
  Prepare(h);
  // The driver's machine need not have a GPU: the job gets the one Slurm gives it.
  h.Write("p.yaml", R"(nodes:
  gpu:
    type: exec
    resources: {gpus: 1}
    params: {cmd: ["sh", "-c", "echo gpu x$CUDA_VISIBLE_DEVICES >> $XSTILTS_TEST_RAN; echo g > $XSTILTS_OUT/g.txt"]}
)");
  const CliResult r = h.Run(SlurmRun("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Runs(h)["gpu"], std::vector<std::string>{"x0"}) << h.Read("ran.log");
}

TEST_F(SlurmExecutor, CtrlCCancelsEveryJobItSubmitted) {
  CliHarness h("slurm_ctrl_c");
  Prepare(h);
  h.Write("p.yaml", SlowNodes(2, 60, "ctrl-c"));
  const pid_t pid = h.Start(SlurmRun("p.yaml"), "driver");
  ASSERT_TRUE(WaitUntil([&] { return Runs(h).size() == 2; }, 60)) << Queued() << h.Read("driver.err");
  ::kill(pid, SIGINT);
  const CliResult r = h.Wait(pid, "driver");
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_TRUE(WaitUntil([] { return Queued().empty(); }, 30)) << "still queued: " << Queued();
  EXPECT_EQ(r.Statuses().at("s1"), "skipped");  // --json reports cancelled nodes as skipped
  EXPECT_NE(r.err.find("was cancelled"), std::string::npos) << r.err;
}

TEST_F(SlurmExecutor, ADriverKilledAndStartedAgainAdoptsItsRunningJobs) {
  CliHarness h("slurm_adopt");
  Prepare(h);
  h.Write("p.yaml", SlowNodes(2, 6, "adopt"));
  const pid_t pid = h.Start(SlurmRun("p.yaml"), "first");
  ASSERT_TRUE(WaitUntil([&] { return Runs(h).size() == 2; }, 60)) << Queued() << h.Read("first.err");
  ::kill(pid, SIGKILL);
  (void)h.Wait(pid, "first");
  ASSERT_FALSE(Queued().empty()) << "the jobs ended before the driver was killed";
  const CliResult r = h.Run(SlurmRun("p.yaml"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Json()["slurm"]["adopted"], 2) << r.err;
  EXPECT_EQ(r.Json()["slurm"]["submitted"], 1) << "only the join is new: " << r.err;
  const std::map<std::string, std::vector<std::string>> runs = Runs(h);
  EXPECT_EQ(runs.at("s1").size(), 1u) << h.Read("ran.log");
  EXPECT_EQ(runs.at("s2").size(), 1u) << h.Read("ran.log");
  EXPECT_EQ(r.Statuses().at("s1"), "ran");
  EXPECT_EQ(r.Statuses().at("join"), "ran");
}

TEST_F(SlurmExecutor, TwoDriversOnOneCacheSplitTheWorkAndComputeEachKeyOnce) {
  CliHarness h("slurm_two_drivers");
  Prepare(h);
  h.Write("p.yaml", SlowNodes(6, 2, "two"));
  const pid_t first = h.Start(SlurmRun("p.yaml", {"--jobs", "2"}), "first");
  ASSERT_TRUE(WaitUntil([&] { return fs::exists(h.dir() / "ran.log"); }, 60)) << h.Read("first.err");
  const pid_t second = h.Start(SlurmRun("p.yaml", {"--jobs", "2"}), "second");
  const CliResult a = h.Wait(first, "first"), b = h.Wait(second, "second");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  for (const auto& [node, jobs] : Runs(h)) EXPECT_EQ(jobs.size(), 1u) << node << " ran twice: " << h.Read("ran.log");
  EXPECT_EQ(Runs(h).size(), 7u) << h.Read("ran.log");
  EXPECT_GT(a.Json()["slurm"]["submitted"].get<int>(), 0) << a.err;
  EXPECT_GT(b.Json()["slurm"]["submitted"].get<int>(), 0) << "the second driver only waited: " << b.err;
  EXPECT_EQ(a.Json()["slurm"]["submitted"].get<int>() + b.Json()["slurm"]["submitted"].get<int>(), 7);
}

TEST_F(SlurmExecutor, TheWarningBeforeTheTimeLimitRequeuesTheJob) {
  CliHarness h("slurm_time_warning");
  Prepare(h);
  h.Write("p.yaml", R"(nodes:
  u:
    type: exec
    params: {cmd: ["sh", "-c", "echo u $SLURM_JOB_ID >> $XSTILTS_TEST_RAN; sleep 4; echo ok > $XSTILTS_OUT/ok.txt"]}
)");
  const pid_t pid = h.Start(SlurmRun("p.yaml"), "driver");
  ASSERT_TRUE(WaitUntil([&] { return Runs(h).size() == 1; }, 60)) << Queued() << h.Read("driver.err");
  const std::string job = Runs(h).at("u")[0];
  // What sbatch --signal=B:USR1@N sends N seconds before the job's time ends.
  EXPECT_EQ(cluster_->Run("scancel --signal=USR1 --batch " + job + " 2>&1"), "");
  const CliResult r = h.Wait(pid, "driver");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses().at("u"), "ran");
  EXPECT_EQ(Runs(h).at("u"), (std::vector<std::string>{job, job})) << "the same job ran again: " << h.Read("ran.log");
  const nlohmann::json record =
      nlohmann::json::parse(SlurmCluster::ReadFile(h.ArtifactOf(r, "u", "out").parent_path() / "meta.json"));
  EXPECT_EQ(record["slurm"]["restarts"], 1);
}

TEST_F(SlurmExecutor, AFailingSbatchOrSqueueIsRetriedAndReportedWithoutEndingTheRun) {
  CliHarness h("slurm_flaky");
  Prepare(h);
  // sbatch and squeue fail on their first call, as a controller that is busy or restarting does.
  for (const char* tool : {"sbatch", "squeue"}) {
    const std::string real = cluster_->Run(std::string("command -v ") + tool);
    ASSERT_FALSE(real.empty()) << tool;
    const fs::path count = tools_ / (std::string(tool) + ".failed");
    fs::remove(count);  // left by an earlier run on the same cluster
    std::ofstream(tools_ / tool) << "#!/bin/sh\nif [ ! -e '" << count.string() << "' ]; then touch '" << count.string()
                                 << "'; echo '" << tool << ": error: Socket timed out on send/recv operation' >&2; exit 1; fi\n"
                                 << "exec " << real.substr(0, real.find('\n')) << " \"$@\"\n";
    fs::permissions(tools_ / tool, fs::perms::owner_all);
  }
  h.Write("p.yaml", kDiamond);
  const CliResult r = h.Run(SlurmRun("p.yaml"));
  fs::remove(tools_ / "sbatch");
  fs::remove(tools_ / "squeue");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("warning: sbatch failed (exit status 1: sbatch: error: Socket timed out on send/recv operation); "
                       "trying again"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("warning: squeue failed"), std::string::npos) << r.err;
  EXPECT_EQ(r.Json()["slurm"]["failed_calls"], 2);
  EXPECT_EQ(Runs(h).size(), 6u) << h.Read("ran.log");
}

}  // namespace
}  // namespace xstilts
