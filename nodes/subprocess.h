// RunSubprocess: runs an external command in its own process group, with its output sent to files,
// and stops it (SIGTERM, then SIGKILL after 3 s) when `cancelled` turns true or the timeout passes.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace xstilts {

struct SubprocessOptions {
  std::vector<std::string> argv;
  std::map<std::string, std::string> env;  // added to (and overriding) the current environment
  std::filesystem::path cwd;
  std::filesystem::path stdout_path;
  std::filesystem::path stderr_path;
  double timeout_seconds = 0;  // 0: none
  std::function<bool()> cancelled;
};

struct SubprocessResult {
  int exit_code = -1;     // valid when !signaled
  int signal = 0;         // the signal that ended it, or 0
  bool timed_out = false;
  bool cancelled = false;
  double cpu_seconds = 0;
  long peak_rss_kb = 0;
};

// Throws std::runtime_error if the command cannot be started (e.g. not found).
SubprocessResult RunSubprocess(const SubprocessOptions& options);

// The last `lines` lines of a text file ("" if unreadable).
std::string TailOfFile(const std::filesystem::path& path, size_t lines);

}  // namespace xstilts
