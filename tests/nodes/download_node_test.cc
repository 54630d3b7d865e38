// The download node's body against a local HTTP server: checksums, resuming, mirrors, retries,
// cancellation. Archive unpacking: download_archive_test.cc; through the CLI: download_cli_test.cc.
#include <gtest/gtest.h>

#include <thread>

#include "base/input_error.h"
#include "base/sha256.h"
#include "tests/nodes/download_test_support.h"
#include "tests/nodes/test_http_server.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::FakeNodeContext;
using testing::HttpRequest;
using testing::HttpResource;
using testing::TestHttpServer;

// Bytes that differ at every offset, so a wrong resume point cannot go unnoticed.
std::string Payload(size_t size) {
  std::string s(size, '\0');
  uint32_t x = 12345;
  for (char& c : s) {
    x = x * 1103515245u + 12345u;
    c = static_cast<char>(x >> 24);
  }
  return s;
}

HttpResource Body(std::string body) {
  HttpResource r;
  r.body = std::move(body);
  return r;
}

class DownloadTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = testing::FreshTestDir(::testing::UnitTest::GetInstance()->current_test_info()->name());
  }
  // One run of the node; runs with the same params share the resume directory, like one key.
  std::unique_ptr<FakeNodeContext> Context(nlohmann::json params, const std::string& run = "run1") {
    return std::make_unique<FakeNodeContext>("download", std::move(params), dir_ / run, resume(), dir_);
  }
  fs::path resume() const { return dir_ / "resume"; }
  fs::path partial() const { return resume() / "partial"; }
  // name -> SHA-256 of each file in the artifact (the payloads are binary and long).
  std::map<std::string, std::string> Bundle(const FakeNodeContext& ctx) const {
    std::map<std::string, std::string> digests;
    for (const auto& [name, content] : testing::ReadBundle(ctx.output("out"), dir_ / "unpacked")) {
      digests[name] = Sha256Hex(content);
    }
    return digests;
  }
  std::string RunError(FakeNodeContext& ctx) const {
    try {
      ctx.Run();
    } catch (const std::exception& e) {
      return e.what();
    }
    return "(no error)";
  }

  TestHttpServer server_;
  fs::path dir_;
};

TEST_F(DownloadTest, PlainFileWithTheRightChecksumBecomesAOneFileBundleNamedAfterTheUrl) {
  std::string content = Payload(200000);
  server_.Serve("/data/train.txt", Body(content));
  auto ctx = Context({{"urls", {server_.Url("/data/train.txt?version=2")}}, {"sha256", Sha256Hex(content)}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"train.txt", Sha256Hex(content)}}));
  ASSERT_FALSE(ctx->progress.empty());
  EXPECT_EQ(ctx->progress.back(), (std::pair<double, std::string>{1.0, "195.3 KiB"}));
  EXPECT_EQ(ctx->logs.back(), "downloaded 200000 bytes (195.3 KiB) from " + server_.Url("/data/train.txt?version=2") +
                                  "; SHA-256 verified");
  ASSERT_EQ(server_.Requests().size(), 1u);
  EXPECT_EQ(server_.Requests()[0].Header("range"), "");
}

TEST_F(DownloadTest, WrongChecksumNamesUrlAndBothHashesAndKeepsNothing) {
  server_.Serve("/a.txt", Body("the real content\n"));
  std::string wrong = Sha256Hex("what we expected\n");
  auto ctx = Context({{"urls", {server_.Url("/a.txt")}}, {"sha256", wrong}});
  EXPECT_EQ(RunError(*ctx), server_.Url("/a.txt") + ": SHA-256 mismatch: expected " + wrong + ", got " +
                                Sha256Hex("the real content\n") + " (17 bytes); the download was discarded");
  EXPECT_FALSE(fs::exists(ctx->output("out")));
  EXPECT_FALSE(fs::exists(partial()));
  EXPECT_EQ(server_.Requests().size(), 1u);  // a fresh whole download that mismatches is not retried
}

TEST_F(DownloadTest, DroppedConnectionIsResumedWithARangeRequest) {
  std::string content = Payload(100000);
  HttpResource r = Body(content);
  r.drop_after_bytes = 30000;
  server_.Serve("/big.bin", r);
  auto ctx = Context({{"urls", {server_.Url("/big.bin")}}, {"sha256", Sha256Hex(content)}, {"retries", 1}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"big.bin", Sha256Hex(content)}}));
  std::vector<HttpRequest> requests = server_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].Header("range"), "");
  EXPECT_EQ(requests[1].Header("range"), "bytes=30000-");
  EXPECT_NE(std::find(ctx->logs.begin(), ctx->logs.end(),
                      "asked " + server_.Url("/big.bin") + " for bytes=30000-: resumed at byte 30000"),
            ctx->logs.end());
}

TEST_F(DownloadTest, PartialFileSurvivesAFailedRunAndTheNextRunResumesIt) {
  std::string content = Payload(50000);
  HttpResource r = Body(content);
  r.drop_after_bytes = 12345;
  server_.Serve("/f.bin", r);
  nlohmann::json params = {{"urls", {server_.Url("/f.bin")}}, {"sha256", Sha256Hex(content)}, {"retries", 0}};
  auto first = Context(params, "run1");
  EXPECT_EQ(RunError(*first), server_.Url("/f.bin") +
                                  ": transfer closed with 37655 bytes remaining to read (after 1 attempt)\n"
                                  "(12345 bytes are kept; the next run resumes from there)");
  EXPECT_EQ(fs::file_size(partial()), 12345u);

  auto second = Context(params, "run2");
  second->Run();
  EXPECT_EQ(second->logs.front(), "resuming with 12345 bytes from an earlier attempt");
  EXPECT_EQ(Bundle(*second), (std::map<std::string, std::string>{{"f.bin", Sha256Hex(content)}}));
  ASSERT_EQ(server_.Requests().size(), 2u);
  EXPECT_EQ(server_.Requests()[1].Header("range"), "bytes=12345-");
}

TEST_F(DownloadTest, ServerIgnoringRangeRestartsFromByteZero) {
  std::string content = Payload(40000);
  HttpResource r = Body(content);
  r.honour_range = false;
  r.drop_after_bytes = 10000;
  server_.Serve("/f.bin", r);
  auto ctx = Context({{"urls", {server_.Url("/f.bin")}}, {"sha256", Sha256Hex(content)}, {"retries", 1}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"f.bin", Sha256Hex(content)}}));
  ASSERT_EQ(server_.Requests().size(), 2u);
  EXPECT_EQ(server_.Requests()[1].Header("range"), "bytes=10000-");
  EXPECT_NE(std::find(ctx->logs.begin(), ctx->logs.end(),
                      "asked " + server_.Url("/f.bin") + " for bytes=10000-: the server ignored the range; restarted from byte 0"),
            ctx->logs.end());
}

TEST_F(DownloadTest, RangeNotSatisfiableWithTheWholeFileAlreadyPresentFinishes) {
  std::string content = Payload(5000);
  server_.Serve("/f.bin", Body(content));
  testing::WriteText(partial(), content);  // a run that was interrupted after the last byte
  auto ctx = Context({{"urls", {server_.Url("/f.bin")}}, {"sha256", Sha256Hex(content)}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"f.bin", Sha256Hex(content)}}));
  ASSERT_EQ(server_.Requests().size(), 1u);
  EXPECT_EQ(server_.Requests()[0].Header("range"), "bytes=5000-");
}

TEST_F(DownloadTest, AResumedFileThatMismatchesIsDownloadedAgainFromZero) {
  std::string content = Payload(5000);
  server_.Serve("/f.bin", Body(content));
  testing::WriteText(partial(), std::string(1000, 'x'));  // a stale prefix of other content
  auto ctx = Context({{"urls", {server_.Url("/f.bin")}}, {"sha256", Sha256Hex(content)}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"f.bin", Sha256Hex(content)}}));
  ASSERT_EQ(server_.Requests().size(), 2u);
  EXPECT_EQ(server_.Requests()[0].Header("range"), "bytes=1000-");
  EXPECT_EQ(server_.Requests()[1].Header("range"), "");
}

TEST_F(DownloadTest, NotFoundFallsBackToTheNextMirrorWithoutRetrying) {
  std::string content = "mirror content\n";
  server_.Serve("/mirror/f.txt", Body(content));
  auto ctx = Context({{"urls", {server_.Url("/gone/f.txt"), server_.Url("/mirror/f.txt")}},
                      {"sha256", Sha256Hex(content)}, {"retries", 3}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"f.txt", Sha256Hex(content)}}));
  std::vector<HttpRequest> requests = server_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].path, "/gone/f.txt");
  EXPECT_EQ(requests[1].path, "/mirror/f.txt");
}

TEST_F(DownloadTest, ServerErrorIsRetried) {
  std::string content = "eventually\n";
  HttpResource r = Body(content);
  r.status = 503;
  r.status_times = 1;
  server_.Serve("/f.txt", r);
  auto ctx = Context({{"urls", {server_.Url("/f.txt")}}, {"sha256", Sha256Hex(content)}, {"retries", 1}});
  ctx->Run();
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"f.txt", Sha256Hex(content)}}));
  EXPECT_EQ(server_.Requests().size(), 2u);
  EXPECT_EQ(ctx->logs[0], server_.Url("/f.txt") + ": HTTP 503; retrying in 0.5 s");
}

TEST_F(DownloadTest, EveryMirrorFailingIsReportedPerUrl) {
  HttpResource broken = Body("x");
  broken.status = 500;
  server_.Serve("/broken", broken);
  auto ctx = Context({{"urls", {server_.Url("/missing"), server_.Url("/broken")}},
                      {"sha256", Sha256Hex("x")}, {"retries", 1}});
  EXPECT_EQ(RunError(*ctx), "no URL delivered the file:\n  " + server_.Url("/missing") +
                                ": HTTP 404 (after 1 attempt)\n  " + server_.Url("/broken") +
                                ": HTTP 500 (after 2 attempts)");
  EXPECT_FALSE(fs::exists(ctx->output("out")));
  EXPECT_EQ(server_.Requests("/broken").size(), 2u);
}

TEST_F(DownloadTest, RedirectIsFollowed) {
  std::string content = "moved\n";
  HttpResource moved;
  moved.redirect_to = server_.Url("/new/place.txt");
  server_.Serve("/old.txt", moved);
  server_.Serve("/new/place.txt", Body(content));
  auto ctx = Context({{"urls", {server_.Url("/old.txt")}}, {"sha256", Sha256Hex(content)}});
  ctx->Run();
  // Named after the URL in the pipeline, not where it redirected: the key holds that name.
  EXPECT_EQ(Bundle(*ctx), (std::map<std::string, std::string>{{"old.txt", Sha256Hex(content)}}));
}

TEST_F(DownloadTest, CancellationAbortsASlowTransferAndKeepsThePartialFile) {
  std::string content = Payload(100000);
  HttpResource slow = Body(content);
  slow.chunk_bytes = 1000;
  slow.drip_seconds = 0.05;  // 5 s for the whole file
  server_.Serve("/slow.bin", slow);
  auto ctx = Context({{"urls", {server_.Url("/slow.bin")}}, {"sha256", Sha256Hex(content)}});
  ctx->on_progress = [&] {
    if (fs::exists(partial()) && fs::file_size(partial()) >= 3000) ctx->cancel = true;
  };
  ctx->Run();  // returns without an error: the runner sees cancelled() and discards the node
  EXPECT_FALSE(fs::exists(ctx->output("out")));
  ASSERT_TRUE(fs::exists(partial()));
  EXPECT_GE(fs::file_size(partial()), 3000u);
  EXPECT_LT(fs::file_size(partial()), content.size());
}

TEST_F(DownloadTest, StalledServerFailsAfterTheTimeout) {
  HttpResource stalled = Body(Payload(10000));
  stalled.stall_after_bytes = 2000;
  server_.Serve("/stall.bin", stalled);
  auto ctx = Context({{"urls", {server_.Url("/stall.bin")}}, {"sha256", Sha256Hex(stalled.body)},
                      {"timeout", 1.0}, {"retries", 0}});
  EXPECT_EQ(RunError(*ctx), server_.Url("/stall.bin") +
                                ": no data received within the 1 s timeout (after 1 attempt)\n(2000 bytes are kept; the next run resumes from there)");
}

TEST_F(DownloadTest, BadParametersAreInputErrors) {
  auto expect_input_error = [&](nlohmann::json params, const std::string& message) {
    auto ctx = Context(std::move(params));
    try {
      ctx->Run();
      ADD_FAILURE() << "no error for " << ctx->params().dump();
    } catch (const InputError& e) {
      EXPECT_EQ(std::string(e.what()), message);
    }
  };
  expect_input_error({{"urls", {server_.Url("/f")}}, {"sha256", "abc"}},
                     "parameter 'sha256' must be 64 hexadecimal digits (the SHA-256 of the file), got 'abc'");
  expect_input_error({{"urls", {"ftp://example.org/f"}}, {"sha256", Sha256Hex("")}},
                     "URL 'ftp://example.org/f' is not http:// or https://");
  expect_input_error({{"urls", nlohmann::json::array()}, {"sha256", Sha256Hex("")}},
                     "parameter 'urls' is empty; give at least one http:// or https:// URL");
  expect_input_error({{"urls", {server_.Url("/f")}}, {"sha256", Sha256Hex("")}, {"name", "a/b"}},
                     "parameter 'name' must be a file name without '/', got 'a/b'");
  EXPECT_TRUE(server_.Requests().empty());
}

// What the key holds beyond the sha256 param: not the URLs, only what shapes the artifact.
class NoFiles : public FileHasher {
 public:
  std::string Hash(const fs::path& path) override { throw std::runtime_error("unexpected " + path.string()); }
};

TEST_F(DownloadTest, KeyHoldsTheResolvedNameAndFormatButNotTheMirrors) {
  NoFiles hasher;
  std::string sha = Sha256Hex("x");
  auto key = [&](nlohmann::json params) {
    params["sha256"] = sha;
    return Context(std::move(params))->Key(hasher);
  };
  nlohmann::json one = key({{"urls", {"https://a.example/d/corpus.txt"}}});
  EXPECT_EQ(one, (nlohmann::json{{"unpack", "none"}, {"name", "corpus.txt"}}));
  EXPECT_EQ(key({{"urls", {"https://b.example/x/corpus.txt", "https://a.example/d/corpus.txt"}}}), one);
  EXPECT_EQ(key({{"urls", {"https://a.example/d/corpus%20v2.txt"}}}),
            (nlohmann::json{{"unpack", "none"}, {"name", "corpus v2.txt"}}));
  EXPECT_EQ(key({{"urls", {"https://a.example/"}}}), (nlohmann::json{{"unpack", "none"}, {"name", "download"}}));
  EXPECT_EQ(key({{"urls", {"https://a.example/XNLI-1.0.ZIP"}}}), (nlohmann::json{{"unpack", "zip"}}));
  EXPECT_EQ(key({{"urls", {"https://a.example/c.tgz"}}}), (nlohmann::json{{"unpack", "tar.gz"}}));
  EXPECT_EQ(key({{"urls", {"https://a.example/c.tar.gz"}}, {"unpack", "none"}}),
            (nlohmann::json{{"unpack", "none"}, {"name", "c.tar.gz"}}));
  EXPECT_EQ(key({{"urls", {"https://a.example/get?id=7"}}, {"unpack", "zip"}}), (nlohmann::json{{"unpack", "zip"}}));
}

}  // namespace
}  // namespace xstilts
