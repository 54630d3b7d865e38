#include "nodes/subprocess.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <csignal>
#include <thread>


namespace xstilts {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& name) {
  fs::path dir = fs::temp_directory_path() / ("xstilts_sub_" + std::to_string(::getpid())) / name;
  fs::create_directories(dir);
  return dir;
}

std::string Read(const fs::path& path) {
  std::ifstream in(path);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(Subprocess, ChildInheritsOnlyStandardStreams) {
  fs::path dir = TempDir("fds");
  int leaked = ::open((dir / "open.txt").c_str(), O_WRONLY | O_CREAT, 0644);  // no O_CLOEXEC
  ASSERT_GE(leaked, 3);
  SubprocessOptions options;
  // `ls` itself opens the directory it lists as descriptor 3.
  options.argv = {"ls", "/proc/self/fd"};
  options.stdout_path = dir / "out.txt";
  options.stderr_path = dir / "err.txt";
  SubprocessResult result = RunSubprocess(options);
  ::close(leaked);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(Read(dir / "out.txt"), "0\n1\n2\n3\n");
}

TEST(Subprocess, ReportsExitCodeTimeoutAndMissingCommand) {
  fs::path dir = TempDir("codes");
  SubprocessOptions options;
  options.stdout_path = dir / "out.txt";
  options.stderr_path = dir / "err.txt";
  options.argv = {"sh", "-c", "echo oops >&2; exit 4"};
  EXPECT_EQ(RunSubprocess(options).exit_code, 4);
  EXPECT_EQ(TailOfFile(dir / "err.txt", 5), "oops");
  options.argv = {"sleep", "10"};
  options.timeout_seconds = 0.2;
  SubprocessResult timed = RunSubprocess(options);
  EXPECT_TRUE(timed.timed_out);
  EXPECT_EQ(timed.signal, SIGTERM);
  options.argv = {"no-such-command-xstilts"};
  options.timeout_seconds = 0;
  try {
    RunSubprocess(options);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot run 'no-such-command-xstilts': No such file or directory");
  }
}

}  // namespace
}  // namespace xstilts
