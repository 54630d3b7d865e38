#include "nodes/subprocess.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <deque>
#include <fstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace xstilts {

SubprocessResult RunSubprocess(const SubprocessOptions& options) {
  if (options.argv.empty()) throw std::runtime_error("empty command");
  // Build everything the child needs before fork(): after fork only async-signal-safe calls.
  std::vector<std::string> env_strings;
  for (char** e = environ; *e; ++e) {
    std::string entry = *e;
    std::string name = entry.substr(0, entry.find('='));
    if (!options.env.count(name)) env_strings.push_back(entry);
  }
  for (const auto& [k, v] : options.env) env_strings.push_back(k + "=" + v);
  std::vector<char*> envp, argv;
  for (std::string& s : env_strings) envp.push_back(s.data());
  envp.push_back(nullptr);
  std::vector<std::string> args = options.argv;
  for (std::string& s : args) argv.push_back(s.data());
  argv.push_back(nullptr);
  int out_fd = ::open(options.stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  int err_fd = ::open(options.stderr_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (out_fd < 0 || err_fd < 0) throw std::runtime_error("cannot create output files for the command");
  int error_pipe[2];
  if (::pipe2(error_pipe, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");

  pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork failed: ") + std::strerror(errno));
  if (pid == 0) {
    ::setpgid(0, 0);
    ::dup2(out_fd, 1);
    ::dup2(err_fd, 2);
    int devnull = ::open("/dev/null", O_RDONLY);
    if (devnull >= 0) ::dup2(devnull, 0);
    // Other threads may have files open (without O_CLOEXEC, as HDF5 opens them): the command must
    // not inherit them, or it would hold their locks and keep them open after the parent closes them.
    ::close_range(3, error_pipe[1] - 1, 0);
    ::close_range(error_pipe[1] + 1, ~0U, 0);
    if (!options.cwd.empty() && ::chdir(options.cwd.c_str()) != 0) {
      int err = errno;
      (void)!::write(error_pipe[1], &err, sizeof(err));
      ::_exit(127);
    }
    ::execvpe(argv[0], argv.data(), envp.data());
    int err = errno;
    (void)!::write(error_pipe[1], &err, sizeof(err));
    ::_exit(127);
  }
  ::setpgid(pid, pid);  // also from the parent, so that the group exists before any kill
  ::close(out_fd);
  ::close(err_fd);
  ::close(error_pipe[1]);
  int exec_errno = 0;
  ssize_t got = ::read(error_pipe[0], &exec_errno, sizeof(exec_errno));
  ::close(error_pipe[0]);
  if (got == sizeof(exec_errno)) {
    ::waitpid(pid, nullptr, 0);
    throw std::runtime_error("cannot run '" + options.argv[0] + "': " + std::strerror(exec_errno));
  }

  SubprocessResult result;
  auto start = std::chrono::steady_clock::now();
  std::chrono::steady_clock::time_point term_sent{};
  bool term = false;
  int status = 0;
  rusage usage{};
  while (true) {
    pid_t done = ::wait4(pid, &status, WNOHANG, &usage);
    if (done == pid) break;
    if (done < 0 && errno != EINTR) throw std::runtime_error("waiting for the command failed");
    double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    bool stop = (options.cancelled && options.cancelled()) ||
                (options.timeout_seconds > 0 && elapsed > options.timeout_seconds);
    if (stop && !term) {
      result.cancelled = options.cancelled && options.cancelled();
      result.timed_out = !result.cancelled;
      ::kill(-pid, SIGTERM);
      term = true;
      term_sent = std::chrono::steady_clock::now();
    } else if (term && std::chrono::steady_clock::now() - term_sent > std::chrono::seconds(3)) {
      ::kill(-pid, SIGKILL);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(elapsed < 1 ? 2 : 20));
  }
  if (WIFEXITED(status)) result.exit_code = WEXITSTATUS(status);
  if (WIFSIGNALED(status)) result.signal = WTERMSIG(status);
  result.cpu_seconds = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                       (usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  result.peak_rss_kb = usage.ru_maxrss;
  return result;
}

std::string TailOfFile(const std::filesystem::path& path, size_t lines) {
  std::ifstream in(path);
  std::deque<std::string> tail;
  std::string line;
  while (std::getline(in, line)) {
    tail.push_back(line);
    if (tail.size() > lines) tail.pop_front();
  }
  std::string out;
  for (const std::string& l : tail) out += (out.empty() ? "" : "\n") + l;
  return out;
}

}  // namespace xstilts
