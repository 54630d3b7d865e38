// The remote cache against a real nginx (WebDAV PUT behind basic auth) that the tests start and
// stop (scripts/nginx-webdav.sh): uploads, a second cache answered by manifests alone, inputs
// downloaded and verified, a corrupt blob caught and replaced, a server that is down or refuses,
// credentials from ~/.netrc, TLS verification, and credentials that never show.
#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "base/sha256.h"
#include "data/remote_store.h"
#include "tests/integration/cli_harness.h"
#include "tests/integration/nginx_server.h"
#include "tests/nodes/test_http_server.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::NginxServer;

const char kPassword[] = "s3cret-pw";

// a -> b -> c, each writing one file that depends on its input.
const char kChain[] = R"(nodes:
  a:
    type: exec
    params: {cmd: ["sh", "-c", "echo alpha > $XSTILTS_OUT/a.txt"]}
  b:
    type: exec
    inputs: {in: a}
    params: {cmd: ["sh", "-c", "tr a-z A-Z < $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/b.txt"]}
  c:
    type: exec
    inputs: {in: b}
    params:
      cmd: ["sh", "-c", "cat $XSTILTS_IN_in/b.txt $XSTILTS_IN_in/b.txt > $XSTILTS_OUT/c.txt"]
      env: {VARIANT: "1"}
)";

class RemoteCache : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!nginx_.installed()) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh installs it)";
    ASSERT_TRUE(nginx_.running()) << h_.Read("server.err");
    server_ = h_.dir() / "server";
    url_ = nginx_.url();
    shown_ = nginx_.shown_url();
    port_ = std::stoi(shown_.substr(shown_.rfind(':') + 1));
    h_.Write("p.yaml", kChain);
  }

  CliResult Run(const std::string& cache, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {"run", "p.yaml", "--json", "--cache", cache, "--remote", url_};
    args.insert(args.end(), extra.begin(), extra.end());
    CliResult r = h_.Run(args);
    EXPECT_EQ(r.out.find(kPassword), std::string::npos) << "the password was printed:\n" << r.out;
    EXPECT_EQ(r.err.find(kPassword), std::string::npos) << "the password was printed:\n" << r.err;
    return r;
  }
  // Requests in nginx's log since the last call that match `prefix` ("GET /cache/cas/").
  size_t Requests(const std::string& prefix) {
    std::ifstream log(server_ / "access.log");
    size_t n = 0, line_number = 0;
    for (std::string line; std::getline(log, line); ++line_number) {
      if (line_number >= log_seen_ && line.rfind(prefix, 0) == 0) ++n;
    }
    return n;
  }
  void ForgetRequests() {
    std::ifstream log(server_ / "access.log");
    log_seen_ = 0;
    for (std::string line; std::getline(log, line);) ++log_seen_;
  }

  // The name of b's blob on the server ("" when it has none).
  std::string BlobOfB() const {
    for (const auto& e : fs::directory_iterator(server_ / "root" / "cache" / "cas")) {
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      // b.txt holds ALPHA once; c.txt (b's twice) ALPHA twice.
      const std::string& t = text.str();
      if (t.find("ALPHA") != std::string::npos && t.find("ALPHA\nALPHA") == std::string::npos) return e.path().filename();
    }
    return "";
  }

  CliHarness h_{::testing::UnitTest::GetInstance()->current_test_info()->name()};
  NginxServer nginx_{h_.dir() / "server", "xstilts", kPassword};
  int port_ = 0;
  fs::path server_;
  std::string url_, shown_;
  size_t log_seen_ = 0;
};

TEST_F(RemoteCache, UploadsThenAnEmptyCacheIsAnsweredByManifestsAlone) {
  CliResult first = Run("cache_a");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(Requests("PUT /cache/ac/"), 3u);
  EXPECT_EQ(Requests("PUT /cache/cas/"), 3u);
  ForgetRequests();
  CliResult second = Run("cache_b");
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}, {"c", "cached"}}));
  EXPECT_EQ(Requests("GET /cache/ac/"), 3u);
  EXPECT_EQ(Requests("GET /cache/cas/"), 0u) << "nothing reads the artifacts: none is downloaded";
  EXPECT_EQ(Requests("PUT "), 0u);
  for (const char* name : {"cache_a", "cache_b"}) {
    for (const auto& e : fs::recursive_directory_iterator(h_.dir() / name)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream text;
      text << in.rdbuf();
      EXPECT_EQ(text.str().find(kPassword), std::string::npos) << e.path() << " holds the password";
    }
  }
}

TEST_F(RemoteCache, AChangedNodeDownloadsAndVerifiesItsInput) {
  ASSERT_EQ(Run("cache_a").exit_code, 0);
  ForgetRequests();
  CliResult r = Run("cache_b", {"--set", "c.params.env={VARIANT: \"2\"}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}, {"c", "ran"}}));
  EXPECT_EQ(Requests("GET /cache/cas/"), 1u) << "only b's artifact, which c reads";
  EXPECT_EQ(Requests("PUT /cache/ac/"), 1u) << "c's new entry is uploaded";
}

TEST_F(RemoteCache, ACorruptBlobIsCaughtRebuiltAndReplacedNeverServed) {
  CliResult first = Run("cache_a");
  ASSERT_EQ(first.exit_code, 0) << first.err;
  // Damage b's blob on the server, keeping its size.
  const std::string b_blob = BlobOfB();
  ASSERT_FALSE(b_blob.empty());
  const fs::path blob = server_ / "root" / "cache" / "cas" / b_blob;
  std::string bytes;
  {
    std::ifstream in(blob, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    bytes = text.str();
  }
  bytes.replace(bytes.find("ALPHA"), 5, "OMEGA");
  std::ofstream(blob, std::ios::binary | std::ios::trunc) << bytes;
  const std::string damaged = Sha256Hex(bytes);

  CliResult r = Run("cache_b", {"--set", "c.params.env={VARIANT: \"2\"}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["b"], "ran") << r.err;
  EXPECT_EQ(r.Statuses()["c"], "ran") << r.err;
  EXPECT_NE(r.err.find("b: cache entry unusable: remote cache " + shown_ + ": blob of out.h5 (entry "), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("has sha256 " + damaged), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("the manifest says " + b_blob + "; not used"), std::string::npos) << r.err;
  // c was built from the real b, and the server holds the right bytes again.
  EXPECT_EQ(Sha256File(blob), b_blob);
}

TEST_F(RemoteCache, AServerThatIsDownGivesAWarningAndTheRunGoesOn) {
  const std::string down = "http://127.0.0.1:" + std::to_string(NginxServer::FreePort()) + "/cache";
  CliResult r = h_.Run({"run", "p.yaml", "--json", "--cache", "cache_a", "--remote", down});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["c"], "ran");
  EXPECT_NE(r.err.find("warning: remote cache " + down + ": "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("; going on with the local cache only"), std::string::npos) << r.err;
}

TEST_F(RemoteCache, WrongCredentialsAreAClearWarningAndShowNoPassword) {
  const std::string wrong = "http://xstilts:wrong-" + std::string(kPassword) + "@127.0.0.1:" + std::to_string(port_) + "/cache";
  CliResult r = h_.Run({"run", "p.yaml", "--json", "--cache", "cache_a", "--remote", wrong});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["c"], "ran");
  EXPECT_NE(r.err.find("warning: a: not uploaded: remote cache " + shown_ + ": upload refused: HTTP 401 (check the credentials"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(r.err.find(kPassword), std::string::npos) << r.err;
  EXPECT_EQ(Requests("PUT /cache/ac/"), 0u);
}

TEST_F(RemoteCache, PushThenPullMoveAPipelinesEntries) {
  ASSERT_EQ(h_.Run({"run", "p.yaml", "--json", "--cache", "cache_a"}).exit_code, 0);  // no remote
  CliResult push = h_.Run({"cache", "push", "p.yaml", "--cache", "cache_a", "--remote", url_});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  EXPECT_NE(push.out.find("pushed 3 entries (3 files, "), std::string::npos) << push.out;
  EXPECT_NE(push.out.find(") to " + shown_ + "; 0 not built yet\n"), std::string::npos) << push.out;
  CliResult pull = h_.Run({"cache", "pull", "p.yaml", "--cache", "cache_b", "--remote", url_});
  ASSERT_EQ(pull.exit_code, 0) << pull.err;
  EXPECT_NE(pull.out.find("pulled 3 entries (3 files, "), std::string::npos) << pull.out;
  for (const CliResult* r : {&push, &pull}) EXPECT_EQ((r->out + r->err).find(kPassword), std::string::npos);
  CliResult local = h_.Run({"run", "p.yaml", "--json", "--cache", "cache_b"});  // no remote now
  EXPECT_EQ(local.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}, {"c", "cached"}}));
  CliResult verify = h_.Run({"cache", "verify", "--cache", "cache_b"});
  EXPECT_EQ(verify.out, "3 entries checked, 0 corrupt\n");
}

// Two machines upload the same entries at once: artifacts are byte-reproducible, so both send the
// same blobs and manifests, and the server ends with one valid copy of each.
TEST_F(RemoteCache, TwoUploadersOfOneKeyLeaveOneValidEntry) {
  ASSERT_EQ(h_.Run({"run", "p.yaml", "--json", "--cache", "cache_a"}).exit_code, 0);
  ASSERT_EQ(h_.Run({"run", "p.yaml", "--json", "--cache", "cache_b"}).exit_code, 0);
  const pid_t first = h_.Start({"cache", "push", "p.yaml", "--cache", "cache_a", "--remote", url_}, "push_a");
  const pid_t second = h_.Start({"cache", "push", "p.yaml", "--cache", "cache_b", "--remote", url_}, "push_b");
  EXPECT_EQ(h_.Wait(first, "push_a").exit_code, 0) << h_.Read("push_a.err");
  EXPECT_EQ(h_.Wait(second, "push_b").exit_code, 0) << h_.Read("push_b.err");
  size_t manifests = 0, blobs = 0;
  for (const auto& e : fs::directory_iterator(server_ / "root" / "cache" / "ac")) {
    std::ifstream in(e.path());
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(ParseManifest(text.str(), e.path().filename().string()).ok()) << e.path();
    ++manifests;
  }
  for (const auto& e : fs::directory_iterator(server_ / "root" / "cache" / "cas")) {
    EXPECT_EQ(Sha256File(e.path()), e.path().filename().string());
    ++blobs;
  }
  EXPECT_EQ(manifests, 3u);
  EXPECT_EQ(blobs, 3u);
  CliResult pulled = h_.Run({"cache", "pull", "p.yaml", "--cache", "cache_c", "--remote", url_});
  EXPECT_EQ(pulled.exit_code, 0) << pulled.err;
  EXPECT_NE(pulled.out.find("pulled 3 entries"), std::string::npos) << pulled.out;
}

// An upload killed (SIGKILL) while a blob is on its way leaves no manifest: the manifest goes last,
// and nginx keeps a PUT in a temp file until it is complete. The next push completes the entry.
TEST_F(RemoteCache, AnUploadKilledHalfwayLeavesNoManifest) {
  h_.Write("big.yaml", R"(nodes:
  big:
    type: exec
    params: {cmd: ["sh", "-c", "head -c 400M /dev/zero > $XSTILTS_OUT/big.bin"]}
)");
  ASSERT_EQ(h_.Run({"run", "big.yaml", "--cache", "cache_a"}).exit_code, 0);
  const pid_t push = h_.Start({"cache", "push", "big.yaml", "--cache", "cache_a", "--remote", url_}, "push");
  bool receiving = false;  // nginx writes a request body it is receiving to body_tmp/
  for (int i = 0; i < 5000 && !receiving; ++i) {
    receiving = fs::exists(server_ / "body_tmp") && !fs::is_empty(server_ / "body_tmp");
    if (!receiving) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  ::kill(push, SIGKILL);
  CliResult killed = h_.Wait(push, "push");
  ASSERT_TRUE(receiving) << "the upload was not caught halfway: " << killed.out << killed.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(200));  // nginx notices the closed connection
  EXPECT_FALSE(fs::exists(server_ / "root" / "cache" / "ac") && !fs::is_empty(server_ / "root" / "cache" / "ac"));
  if (fs::exists(server_ / "root" / "cache" / "cas")) {
    for (const auto& e : fs::directory_iterator(server_ / "root" / "cache" / "cas")) {
      EXPECT_EQ(Sha256File(e.path()), e.path().filename().string()) << "a partial blob is visible";
    }
  }
  CliResult again = h_.Run({"cache", "push", "big.yaml", "--cache", "cache_a", "--remote", url_});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.out.find("pushed 1 entries (1 files, "), std::string::npos) << again.out;
  EXPECT_EQ(Requests("PUT /cache/ac/"), 1u);
}

// A server that answers 500: the run warns once and succeeds from the local cache alone.
TEST(RemoteCacheFailing, AServerAnswering500GivesAWarningAndTheRunGoesOn) {
  CliHarness h("remote_500");
  h.Write("p.yaml", kChain);
  CliResult planned = h.Run({"run", "p.yaml", "--dry-run", "--json"});
  ASSERT_EQ(planned.exit_code, 0) << planned.err;
  testing::TestHttpServer server;
  const nlohmann::json plan = planned.Json();
  for (const auto& node : plan["nodes"]) {
    testing::HttpResource broken{"oops"};
    broken.status = 500;
    server.Serve("/cache/ac/" + node["key"].get<std::string>(), broken);
  }
  CliResult r = h.Run({"run", "p.yaml", "--json", "--remote", server.Url("/cache")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"a", "ran"}, {"b", "ran"}, {"c", "ran"}}));
  EXPECT_NE(r.err.find("warning: remote cache " + server.Url("/cache") + ": HTTP 500; going on with the local cache only"),
            std::string::npos)
      << r.err;
  // The first lookup is asked 4 times (3 retries with backoff), then the remote is left alone.
  EXPECT_EQ(server.Requests("/cache/ac/" + plan["nodes"][0]["key"].get<std::string>()).size(), 4u);
  EXPECT_EQ(server.Requests().size(), 4u);
}

// user:password from ~/.netrc when the URL has none; never printed.
TEST_F(RemoteCache, CredentialsFromNetrc) {
  h_.Write("home/.netrc", "machine 127.0.0.1 login xstilts password " + std::string(kPassword) + "\n");
  fs::permissions(h_.dir() / "home" / ".netrc", fs::perms::owner_read | fs::perms::owner_write);
  const char* home = std::getenv("HOME");
  const std::string old_home = home ? home : "";
  ::setenv("HOME", (h_.dir() / "home").c_str(), 1);
  CliResult r = h_.Run({"run", "p.yaml", "--json", "--cache", "cache_a", "--remote", shown_});
  ::setenv("HOME", old_home.c_str(), 1);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
  EXPECT_EQ(Requests("PUT /cache/ac/"), 3u) << "nginx takes a PUT only with the password";
  EXPECT_EQ((r.out + r.err).find(kPassword), std::string::npos);
}

// https: verified against the CA given with --remote-ca; without it the server's self-signed
// certificate is refused (a warning, and the run goes on locally), never silently trusted.
TEST(RemoteCacheTls, TheServerCertificateIsVerified) {
  CliHarness h("remote_tls");
  NginxServer nginx(h.dir() / "server", "xstilts", kPassword, /*tls=*/true);
  if (!nginx.installed()) GTEST_SKIP() << "nginx is not installed (scripts/install-deps.sh installs it)";
  ASSERT_TRUE(nginx.running()) << h.Read("server.err");
  h.Write("p.yaml", kChain);
  CliResult untrusted = h.Run({"run", "p.yaml", "--json", "--cache", "cache_a", "--remote", nginx.url()});
  ASSERT_EQ(untrusted.exit_code, 0) << untrusted.err;
  EXPECT_EQ(untrusted.Statuses()["c"], "ran");
  EXPECT_NE(untrusted.err.find("warning: remote cache " + nginx.shown_url() + ": "), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("SSL certificate problem"), std::string::npos) << untrusted.err;
  EXPECT_NE(untrusted.err.find("(--remote-ca FILE names a CA to trust)"), std::string::npos) << untrusted.err;
  EXPECT_FALSE(fs::exists(nginx.root() / "cache" / "ac")) << "nothing may be uploaded to an unverified server";

  CliResult trusted = h.Run({"run", "p.yaml", "--json", "--cache", "cache_b", "--remote", nginx.url(), "--remote-ca",
                             nginx.ca().string()});
  ASSERT_EQ(trusted.exit_code, 0) << trusted.err;
  EXPECT_EQ(trusted.err.find("warning"), std::string::npos) << trusted.err;
  size_t manifests = 0;
  for ([[maybe_unused]] const auto& e : fs::directory_iterator(nginx.root() / "cache" / "ac")) ++manifests;
  EXPECT_EQ(manifests, 3u);
  CliResult fetched = h.Run({"run", "p.yaml", "--json", "--cache", "cache_c", "--remote", nginx.url(), "--remote-ca",
                             nginx.ca().string()});
  EXPECT_EQ(fetched.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}, {"c", "cached"}}));
  for (const CliResult* r : {&untrusted, &trusted, &fetched}) EXPECT_EQ((r->out + r->err).find(kPassword), std::string::npos);
}

// A remote cache cannot be listed over HTTP; ls and du show a pipeline's current entries in both.
TEST_F(RemoteCache, LsAndDuShowWhereAPipelinesEntriesAre) {
  ASSERT_EQ(Run("cache_a").exit_code, 0);
  const std::vector<std::string> variant = {"--set", "c.params.env={VARIANT: \"2\"}"};
  std::vector<std::string> ls = {"cache", "ls", "--pipeline", "p.yaml", "--cache", "cache_a", "--remote", url_};
  ls.insert(ls.end(), variant.begin(), variant.end());
  CliResult listed = h_.Run(ls);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_EQ(listed.out.find(kPassword), std::string::npos);
  std::map<std::string, std::string> where;  // node -> last column
  std::istringstream lines(listed.out);
  std::string line;
  std::getline(lines, line);
  EXPECT_NE(line.find("where (remote: " + shown_ + ")"), std::string::npos) << line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    std::string key, node, type, column, last;
    fields >> key >> node;
    while (fields >> column) last = column;
    where[node] = last;
  }
  EXPECT_EQ(where, (std::map<std::string, std::string>{{"a", "both"}, {"b", "both"}, {"c", "-"}})) << listed.out;
  CliResult empty = h_.Run({"cache", "ls", "--pipeline", "p.yaml", "--cache", "cache_b", "--remote", url_});
  EXPECT_EQ(std::count(empty.out.begin(), empty.out.end(), '\n'), 4) << empty.out;
  EXPECT_EQ(empty.out.find("both"), std::string::npos) << empty.out;
  EXPECT_EQ(empty.out.find("local\n"), std::string::npos) << empty.out;

  std::vector<std::string> du = {"cache", "du", "--pipeline", "p.yaml", "--cache", "cache_a", "--remote", url_};
  du.insert(du.end(), variant.begin(), variant.end());
  CliResult sizes = h_.Run(du);
  ASSERT_EQ(sizes.exit_code, 0) << sizes.err;
  EXPECT_NE(sizes.out.find(" in 2 of the 3 entries of p.yaml\n"), std::string::npos) << sizes.out;
  EXPECT_NE(sizes.out.find(shown_ + ": "), std::string::npos) << sizes.out;

  CliResult unlisted = h_.Run({"cache", "ls", "--cache", "cache_a", "--remote", url_});
  EXPECT_EQ(unlisted.exit_code, 2);
  EXPECT_NE(unlisted.err.find("needs --pipeline P"), std::string::npos) << unlisted.err;
  CliResult gc = h_.Run({"cache", "gc", "--cache", "cache_a", "--remote", url_});
  EXPECT_EQ(gc.exit_code, 2);
  EXPECT_NE(gc.err.find("its server evicts"), std::string::npos) << gc.err;
}

// A server that evicted a blob but kept its manifest (a cron job cleaning cas/): the entry counts
// as cached until something reads it; then it is built here and uploaded again.
TEST_F(RemoteCache, AManifestWhoseBlobIsGoneIsRebuilt) {
  ASSERT_EQ(Run("cache_a").exit_code, 0);
  const std::string b_blob = BlobOfB();
  ASSERT_FALSE(b_blob.empty());
  ASSERT_TRUE(fs::remove(server_ / "root" / "cache" / "cas" / b_blob));
  CliResult r = Run("cache_b", {"--set", "c.params.env={VARIANT: \"2\"}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "ran"}, {"c", "ran"}}));
  EXPECT_EQ(Sha256File(server_ / "root" / "cache" / "cas" / b_blob), b_blob) << "b's upload puts the blob back";
}

TEST_F(RemoteCache, ReadOnlyNeverUploads) {
  CliResult r = Run("cache_a", {"--remote-read-only"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Requests("PUT "), 0u);
  EXPECT_EQ(Requests("HEAD "), 0u);
}

}  // namespace
}  // namespace xstilts
