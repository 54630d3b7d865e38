// Runs the xstilts binary from tests: each test gets a private work directory with its pipeline
// files and its cache, and can start runs in the background to kill or interrupt them.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xstilts::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
  nlohmann::json Json() const;  // the last stdout line, parsed
  // name -> status from a --json run
  std::map<std::string, std::string> Statuses() const;
};

class CliHarness {
 public:
  explicit CliHarness(const std::string& test_name);
  const std::filesystem::path& dir() const { return dir_; }
  std::filesystem::path cache() const { return dir_ / "cache"; }
  void Write(const std::string& name, const std::string& text) const;
  std::string Read(const std::string& name) const;
  // Runs `xstilts args...` (with --cache added after the subcommand's pipeline when `with_cache`).
  CliResult Run(const std::vector<std::string>& args) const;
  // Starts it in the background; output goes to <name>.out / <name>.err in dir().
  pid_t Start(const std::vector<std::string>& args, const std::string& name) const;
  CliResult Wait(pid_t pid, const std::string& name) const;
  // The artifact of `node`'s output `port`, as a --json run `r` reports the node's key (a test
  // failure and an empty path when the run does not list the node).
  std::filesystem::path ArtifactOf(const CliResult& r, const std::string& node, const std::string& port) const;
  // Waits up to `seconds` for a file to appear.
  bool WaitForFile(const std::string& name, double seconds) const;

 private:
  std::filesystem::path dir_;
};

}  // namespace xstilts::testing
