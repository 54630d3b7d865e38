// The download node through `xstilts run`: a run that fails mid-transfer leaves its partial file
// in the cache's resume directory, the next run continues it with a Range request, and the
// artifact is keyed by its checksum, so a new mirror list keeps the cached entry.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <thread>

#include "base/sha256.h"
#include "tests/integration/cli_harness.h"
#include "tests/nodes/download_test_support.h"
#include "tests/nodes/test_http_server.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::HttpResource;
using testing::TestHttpServer;

std::string Pipeline(const std::vector<std::string>& urls, const std::string& sha256) {
  std::string list;
  for (const std::string& u : urls) list += (list.empty() ? "" : ", ") + ("\"" + u + "\"");
  return "nodes:\n"
         "  data:\n"
         "    type: download\n"
         "    params:\n"
         "      urls: [" + list + "]\n"
         "      sha256: \"" + sha256 + "\"\n"
         "      retries: 0\n";
}

fs::path EntryArtifact(const CliHarness& h, const std::string& key) {
  return h.cache() / "entries" / key.substr(0, 2) / key / "out.h5";
}

TEST(DownloadCli, FailedRunIsResumedWithRangeAndANewMirrorListKeepsTheCache) {
  TestHttpServer server;
  std::string content;
  for (int i = 0; i < 5000; ++i) content += "line " + std::to_string(i) + "\n";
  HttpResource flaky;
  flaky.body = content;
  flaky.drop_after_bytes = 20000;
  server.Serve("/v1/lines.txt", flaky);
  CliHarness h("download_resume");
  h.Write("p.yaml", Pipeline({server.Url("/v1/lines.txt")}, Sha256Hex(content)));

  CliResult first = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(first.exit_code, 1);
  EXPECT_EQ(first.Statuses(), (std::map<std::string, std::string>{{"data", "failed"}}));
  std::string remaining = std::to_string(content.size() - 20000);
  EXPECT_NE(first.err.find("error: node 'data' (p.yaml:2:3): " + server.Url("/v1/lines.txt") +
                           ": transfer closed with " + remaining + " bytes remaining to read (after 1 attempt)\n"
                           "(20000 bytes are kept; the next run resumes from there)\n"),
            std::string::npos)
      << first.err;
  std::string key = first.Json()["nodes"][0]["key"];
  EXPECT_EQ(fs::file_size(h.cache() / "resume" / key / "partial"), 20000u);

  CliResult second = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.Statuses(), (std::map<std::string, std::string>{{"data", "ran"}}));
  ASSERT_EQ(server.Requests().size(), 2u);
  EXPECT_EQ(server.Requests()[1].Header("range"), "bytes=20000-");
  std::map<std::string, std::string> bundle = testing::ReadBundle(EntryArtifact(h, key), h.dir() / "unpacked");
  ASSERT_EQ(bundle.size(), 1u);
  EXPECT_EQ(bundle.begin()->first, "lines.txt");
  EXPECT_TRUE(bundle.begin()->second == content);  // not EXPECT_EQ: 39 KB in a failure message
  EXPECT_FALSE(fs::exists(h.cache() / "resume" / key));

  HttpResource mirror;
  mirror.body = content;
  server.Serve("/mirror/lines.txt", mirror);
  h.Write("p.yaml", Pipeline({server.Url("/mirror/lines.txt"), server.Url("/v1/lines.txt")}, Sha256Hex(content)));
  CliResult third = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(third.exit_code, 0) << third.err;
  EXPECT_EQ(third.Statuses(), (std::map<std::string, std::string>{{"data", "cached"}}));
  EXPECT_EQ(server.Requests().size(), 2u);
}

// The partial file of an interrupted run, once it holds at least `bytes` (waits up to 20 s).
fs::path WaitForPartial(const CliHarness& h, uintmax_t bytes) {
  for (int i = 0; i < 2000; ++i) {
    std::error_code ec;
    if (fs::exists(h.cache() / "resume", ec)) {
      for (const auto& e : fs::directory_iterator(h.cache() / "resume", ec)) {
        fs::path partial = e.path() / "partial";
        if (fs::exists(partial, ec) && fs::file_size(partial, ec) >= bytes) return partial;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return {};
}

TEST(DownloadCli, CtrlCKeepsThePartialFileForTheNextRun) {
  TestHttpServer server;
  std::string content(300000, 'z');
  HttpResource slow;
  slow.body = content;
  slow.chunk_bytes = 1000;
  slow.drip_seconds = 0.02;  // 6 s for the whole file
  server.Serve("/slow.bin", slow);
  CliHarness h("download_sigint");
  h.Write("p.yaml", Pipeline({server.Url("/slow.bin")}, Sha256Hex(content)));
  pid_t pid = h.Start({"run", "p.yaml"}, "interrupted");
  fs::path partial = WaitForPartial(h, 5000);
  ASSERT_FALSE(partial.empty());
  ::kill(pid, SIGINT);
  CliResult interrupted = h.Wait(pid, "interrupted");
  EXPECT_EQ(interrupted.exit_code, 130) << interrupted.err;
  uintmax_t kept = fs::file_size(partial);
  EXPECT_GE(kept, 5000u);
  EXPECT_LT(kept, content.size());

  HttpResource fast;
  fast.body = content;
  server.Serve("/slow.bin", fast);
  CliResult resumed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  ASSERT_EQ(server.Requests().size(), 2u);
  EXPECT_EQ(server.Requests()[1].Header("range"), "bytes=" + std::to_string(kept) + "-");
  EXPECT_NE(resumed.err.find("data: resuming with " + std::to_string(kept) + " bytes from an earlier attempt"),
            std::string::npos)
      << resumed.err;
}

TEST(DownloadCli, WrongChecksumFailsTheNodeAndCachesNothing) {
  TestHttpServer server;
  HttpResource r;
  r.body = "tampered\n";
  server.Serve("/f.txt", r);
  CliHarness h("download_mismatch");
  std::string expected = Sha256Hex("original\n");
  h.Write("p.yaml", Pipeline({server.Url("/f.txt")}, expected));
  CliResult run = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(run.exit_code, 1);
  EXPECT_NE(run.err.find("error: node 'data' (p.yaml:2:3): " + server.Url("/f.txt") + ": SHA-256 mismatch: expected " +
                         expected + ", got " + Sha256Hex("tampered\n") + " (9 bytes); the download was discarded\n"),
            std::string::npos)
      << run.err;
  std::string key = run.Json()["nodes"][0]["key"];
  EXPECT_FALSE(fs::exists(h.cache() / "entries" / key.substr(0, 2) / key));
  EXPECT_FALSE(fs::exists(h.cache() / "resume" / key / "partial"));
}

}  // namespace
}  // namespace xstilts
