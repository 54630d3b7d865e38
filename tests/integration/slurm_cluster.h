// SlurmCluster: a one-node Slurm cluster on 127.0.0.1 for the Slurm executor's tests, started by
// scripts/slurm-cluster.sh in a new folder under /tmp and stopped (its own daemons only, after
// cancelling its jobs) when destroyed. Starting takes about 2 s and stopping about 2 s, so a test
// suite should share one (SetUpTestSuite) rather than start one per test.
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
  static std::string Script() {
    return (std::filesystem::path(XSTILTS_SOURCE_DIR) / "scripts" / "slurm-cluster.sh").string();
  }
  std::filesystem::path dir_;
  int status_ = 1;
  bool exported_ = false;
  std::string start_error_;
};

}  // namespace xstilts::testing
