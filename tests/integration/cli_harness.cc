#include "tests/integration/cli_harness.h"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

namespace xstilts::testing {

namespace fs = std::filesystem;

nlohmann::json CliResult::Json() const {
  std::string line;
  std::istringstream in(out);
  std::string last;
  while (std::getline(in, line)) {
    if (!line.empty()) last = line;
  }
  return nlohmann::json::parse(last, nullptr, false);
}

std::map<std::string, std::string> CliResult::Statuses() const {
  std::map<std::string, std::string> statuses;
  nlohmann::json json = Json();
  if (!json.is_object()) return statuses;
  for (const auto& node : json["nodes"]) statuses[node["name"]] = node["status"];
  return statuses;
}

CliHarness::CliHarness(const std::string& test_name) {
  dir_ = fs::temp_directory_path() / ("xstilts_cli_" + std::to_string(::getpid())) / test_name;
  fs::remove_all(dir_);
  fs::create_directories(dir_);
}

void CliHarness::Write(const std::string& name, const std::string& text) const {
  fs::create_directories((dir_ / name).parent_path());
  std::ofstream(dir_ / name, std::ios::binary) << text;
}

std::string CliHarness::Read(const std::string& name) const {
  std::ifstream in(dir_ / name, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

pid_t CliHarness::Start(const std::vector<std::string>& args, const std::string& name) const {
  std::vector<std::string> argv = {XSTILTS_BIN};
  argv.insert(argv.end(), args.begin(), args.end());
  std::string out = (dir_ / (name + ".out")).string(), err = (dir_ / (name + ".err")).string();
  pid_t pid = ::fork();
  if (pid == 0) {
    if (::chdir(dir_.c_str()) != 0) ::_exit(126);
    int o = ::open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    ::setenv("XSTILTS_CACHE", (dir_ / "cache").c_str(), 1);
    std::vector<char*> raw;
    for (std::string& a : argv) raw.push_back(a.data());
    raw.push_back(nullptr);
    ::execv(raw[0], raw.data());
    ::_exit(127);
  }
  return pid;
}

CliResult CliHarness::Wait(pid_t pid, const std::string& name) const {
  int status = 0;
  ::waitpid(pid, &status, 0);
  CliResult result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.out = Read(name + ".out");
  result.err = Read(name + ".err");
  return result;
}

std::filesystem::path CliHarness::ArtifactOf(const CliResult& r, const std::string& node,
                                             const std::string& port) const {
  const nlohmann::json json = r.Json();
  for (const auto& n : json["nodes"]) {
    if (n["name"] == node) {
      const std::string key = n["key"];
      return cache() / "entries" / key.substr(0, 2) / key / (port + ".h5");
    }
  }
  ADD_FAILURE() << "no node " << node << " in " << r.out;
  return {};
}

CliResult CliHarness::Run(const std::vector<std::string>& args) const {
  static int counter = 0;
  std::string name = "run" + std::to_string(counter++);
  return Wait(Start(args, name), name);
}

bool CliHarness::WaitForFile(const std::string& name, double seconds) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (fs::exists(dir_ / name) && fs::file_size(dir_ / name) > 0) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return false;
}

}  // namespace xstilts::testing
