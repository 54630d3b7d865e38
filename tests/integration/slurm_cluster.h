// SlurmCluster: a one-node Slurm cluster on 127.0.0.1 for the Slurm executor's tests.
//
// Under ctest the Slurm tests share one cluster, a ctest fixture (cmake/xstilts_tests.cmake) that
// scripts/slurm-cluster.sh starts before them and stops after, in $XSTILTS_TEST_SLURM_DIR: the
// object then attaches to it, cancels what earlier tests left queued, and stops nothing. Run by
// hand (no such variable), it starts a cluster of its own in a new folder under /tmp and stops it
// (its own daemons only, after cancelling its jobs) when destroyed; that takes about 2 s each way,
// so a test suite should share one (SetUpTestSuite).
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <system_error>

namespace xstilts::testing {

class SlurmCluster {
 public:
  // The folder is /tmp/xstilts-slurm-XXXXXX rather than under TMPDIR or the test's folder: slurmd
  // keeps unix sockets in it, whose paths must stay under 108 bytes. installed() is false (with
  // why()) when Slurm is not installed; a failure to start otherwise is an error for the test to
  // report with start_error().
  SlurmCluster() {
    if (const char* shared = std::getenv("XSTILTS_TEST_SLURM_DIR"); shared != nullptr && shared[0] != '\0') {
      Attach(shared);
      return;
    }
    std::string pattern = "/tmp/xstilts-slurm-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      start_error_ = "cannot make a folder for the Slurm cluster under /tmp";
      return;
    }
    dir_ = pattern;
    const std::string start = Script() + " start '" + dir_.string() + "' > '" + (dir_ / "start.out").string() +
                              "' 2> '" + (dir_ / "start.err").string() + "'";
    const int rc = std::system(start.c_str());
    status_ = WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
    start_error_ = ReadFile(dir_ / "start.err");
  }
  ~SlurmCluster() {
    if (dir_.empty()) return;
    if (exported_) ::unsetenv("SLURM_CONF");
    if (attached_) return;
    (void)std::system((Script() + " stop '" + dir_.string() + "'").c_str());
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  SlurmCluster(const SlurmCluster&) = delete;
  SlurmCluster& operator=(const SlurmCluster&) = delete;

  bool installed() const { return status_ != 77; }  // the script's "Slurm is not installed"
  bool running() const { return status_ == 0; }
  // Why the tests skip: the script's own line, which names the missing program and the fix.
  std::string why() const {
    std::string line = start_error_;
    while (!line.empty() && (line.back() == '\n' || line.back() == ' ')) line.pop_back();
    return line.empty() ? "Slurm is not installed (scripts/install-deps.sh installs slurm-wlm and munge)" : line;
  }
  // What the script said when it failed (it includes the tails of the daemons' logs).
  const std::string& start_error() const { return start_error_; }

  const std::filesystem::path& dir() const { return dir_; }
  // Every Slurm command (sbatch, squeue, scancel, scontrol) must see SLURM_CONF=slurm_conf().
  std::filesystem::path slurm_conf() const { return dir_ / "slurm.conf"; }
  // One line per finished job (JobId=N ... JobState=COMPLETED ... ExitCode=0:0): what is left of a
  // job once it has gone from squeue (there is no accounting database for sacct).
  std::filesystem::path jobcomp() const { return dir_ / "jobcomp.txt"; }
  // Sets SLURM_CONF in this process, so the xstilts processes a test starts inherit it; the
  // destructor unsets it again.
  void ExportSlurmConf() {
    ::setenv("SLURM_CONF", slurm_conf().c_str(), 1);
    exported_ = true;
  }

  // Runs a shell command with SLURM_CONF set to this cluster; its stdout (stderr goes to the
  // test's stderr). For checks such as Run("squeue -h --states=all -o '%i %T'").
  std::string Run(const std::string& command) const {
    const std::string line = "SLURM_CONF='" + slurm_conf().string() + "' " + command;
    std::string out;
    FILE* pipe = ::popen(line.c_str(), "r");
    if (pipe == nullptr) return out;
    std::array<char, 4096> buffer;
    size_t n;
    while ((n = std::fread(buffer.data(), 1, buffer.size(), pipe)) > 0) out.append(buffer.data(), n);
    ::pclose(pipe);
    return out;
  }

  // The daemons' logs, for the message of a failed assertion.
  std::string Logs() const {
    std::string text;
    for (const char* name : {"log/slurmctld.log", "log/slurmd.log"}) {
      text += "== " + (dir_ / name).string() + "\n" + ReadFile(dir_ / name);
    }
    return text;
  }

  // A file's bytes ("" when it cannot be read).
  static std::string ReadFile(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

 private:
  // The fixture's cluster: running when its slurm.conf is there and the controller answers.
  void Attach(const std::filesystem::path& dir) {
    dir_ = dir;
    attached_ = true;
    if (!std::filesystem::exists(dir_ / "slurm.conf")) {
      status_ = 77;
      start_error_ = "no Slurm cluster in " + dir_.string() +
                     ": the ctest fixture slurm_cluster_start skipped it (is Slurm installed? "
                     "scripts/install-deps.sh installs slurm-wlm and munge)";
      return;
    }
    const std::string state = Run("sinfo -h -o %T 2>&1");
    if (state.empty() || state.find("error") != std::string::npos || state.find("down") != std::string::npos) {
      start_error_ = "the Slurm cluster in " + dir_.string() + " does not answer (sinfo: '" + state + "')";
      return;
    }
    // What an earlier test left queued must not be taken for this test's jobs.
    (void)Run("scancel --partition=debug 2>/dev/null");
    for (int i = 0; i < 300 && !Run("squeue -h -o %i").empty(); ++i) ::usleep(100000);
    status_ = 0;
  }
  static std::string Script() {
    return (std::filesystem::path(XSTILTS_SOURCE_DIR) / "scripts" / "slurm-cluster.sh").string();
  }
  std::filesystem::path dir_;
  int status_ = 1;
  bool exported_ = false;
  bool attached_ = false;  // the ctest fixture's cluster: not ours to stop
  std::string start_error_;
};

}  // namespace xstilts::testing
