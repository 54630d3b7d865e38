// End-to-end tests of `xstilts run/status/explain` on real pipelines of exec nodes.
#include <gtest/gtest.h>
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "data/artifact_store.h"
#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

// a -> b -> c and a -> d; each node appends its name to ran.log (outside the cache) so the test
// sees exactly which bodies executed.
const char kChain[] = R"(
vars:
  greeting: hello
nodes:
  a:
    type: exec
    params:
      cmd: ["sh", "-c", "echo a >> ran.log; echo ${greeting} > $XSTILTS_OUT/a.txt"]
  b:
    type: exec
    inputs: {in: a}
    params:
      cmd: ["sh", "-c", "echo b >> ran.log; tr a-z A-Z < $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/b.txt"]
  c:
    type: exec
    inputs: {in: b}
    params:
      cmd: ["sh", "-c", "echo c >> ran.log; cat $XSTILTS_IN_in/b.txt $XSTILTS_IN_in/b.txt > $XSTILTS_OUT/c.txt"]
  d:
    type: exec
    inputs: {in: a}
    params:
      cmd: ["sh", "-c", "echo d >> ran.log; wc -c < $XSTILTS_IN_in/a.txt > $XSTILTS_OUT/d.txt"]
      env: {SUFFIX: x}
)";

TEST(CliRun, ReRunAfterAChangeRecomputesExactlyTheDescendants) {
  CliHarness h("incremental");
  h.Write("p.yaml", kChain);
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.Statuses(), (std::map<std::string, std::string>{{"a", "ran"}, {"b", "ran"}, {"c", "ran"}, {"d", "ran"}}));

  fs::remove(h.dir() / "ran.log");
  CliResult again = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "cached"}, {"c", "cached"}, {"d", "cached"}}));
  EXPECT_FALSE(fs::exists(h.dir() / "ran.log"));

  CliResult changed = h.Run({"run", "p.yaml", "--json", "--set", "b.params.env={X: 1}"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.Statuses(), (std::map<std::string, std::string>{{"a", "cached"}, {"b", "ran"}, {"c", "ran"}, {"d", "cached"}}));
  EXPECT_EQ(h.Read("ran.log"), "b\nc\n");
  EXPECT_NE(changed.err.find("b: params.env.X: (unset) -> 1"), std::string::npos) << changed.err;
}

TEST(CliRun, StatusAndExplainNameWhatChanged) {
  CliHarness h("explain");
  h.Write("p.yaml", kChain);
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  CliResult status = h.Run({"status", "p.yaml", "--set", "vars.greeting=bonjour"});
  ASSERT_EQ(status.exit_code, 0) << status.err;
  EXPECT_EQ(status.out,
            "4 nodes: 0 cached, 4 stale\n"
            "  stale   a: params.cmd: [\"sh\",\"-c\",\"echo a >> ran.log; echo hello > $XSTILTS_OUT/a.txt\"] -> "
            "[\"sh\",\"-c\",\"echo a >> ran.log; echo bonjour > $XSTILTS_OUT/a.txt\"]\n"
            "  stale   b: input 'in' changed (from a)\n"
            "  stale   c: input 'in' changed (from b)\n"
            "  stale   d: input 'in' changed (from a)\n");
  CliResult explain = h.Run({"explain", "p.yaml", "d", "--set", "d.params.env={SUFFIX: y}"});
  ASSERT_EQ(explain.exit_code, 0) << explain.err;
  EXPECT_NE(explain.out.find("    params.env.SUFFIX: \"x\" -> \"y\"\n"), std::string::npos) << explain.out;
}

TEST(CliRun, InvalidPipelineExitsWithTwoAndRunsNothing) {
  CliHarness h("invalid");
  h.Write("p.yaml", "nodes:\n  a:\n    type: exce\n    params: {cmd: [\"touch\", \"ran\"]}\n");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "p.yaml:3:11: error: unknown node type 'exce'; did you mean 'exec'? (`xstilts nodes` lists them)\n"
                   "      type: exce\n"
                   "            ^\n");
  EXPECT_FALSE(fs::exists(h.dir() / "ran"));
}

TEST(CliRun, FailingNodeShowsItsStderrAndSkipsDescendants) {
  CliHarness h("failing");
  h.Write("p.yaml", R"(
nodes:
  bad:
    type: exec
    params: {cmd: ["sh", "-c", "echo step 1 of 2; echo something broke >&2; exit 3"]}
  after:
    type: exec
    inputs: {in: bad}
    params: {cmd: ["true"]}
  independent:
    type: exec
    params: {cmd: ["sh", "-c", "echo ok > $XSTILTS_OUT/ok.txt"]}
)");
  CliResult r = h.Run({"run", "p.yaml", "--json", "--keep-going", "-j", "1"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"bad", "failed"}, {"after", "skipped"}, {"independent", "ran"}}));
  // Both streams' tails (a script may print its error to either), and where they are kept whole.
  const std::string logs = (fs::absolute(h.cache()) / "runs" / ArtifactStore::PipelineId(h.dir() / "p.yaml") / "logs" / "bad").string();
  EXPECT_NE(r.err.find("error: node 'bad' (p.yaml:3:3): command exited with status 3\nstdout ends with:\nstep 1 of 2\n"
                       "stderr ends with:\nsomething broke\nwhole output: " + logs + "/stdout.txt and stderr.txt\n"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(h.Read((fs::path(logs).lexically_relative(h.dir()) / "stdout.txt").string()), "step 1 of 2\n");
  EXPECT_EQ(h.Read((fs::path(logs).lexically_relative(h.dir()) / "stderr.txt").string()), "something broke\n");
  CliResult again = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(again.Statuses()["bad"], "failed");  // a failure is never cached
  EXPECT_EQ(again.Statuses()["independent"], "cached");
}

// The node blocks on its first attempt (until killed) and finishes on later ones.
const char kBlocking[] = R"(
nodes:
  slow:
    type: exec
    params:
      cmd: ["sh", "-c", "if [ ! -f started ]; then echo $$ > started; exec sleep 60; fi; echo done > $XSTILTS_OUT/r.txt"]
  after:
    type: exec
    inputs: {in: slow}
    params: {cmd: ["sh", "-c", "cp $XSTILTS_IN_in/r.txt $XSTILTS_OUT/"]}
)";

size_t CountEntries(const fs::path& dir) {
  if (!fs::exists(dir)) return 0;
  size_t n = 0;
  for (auto it = fs::recursive_directory_iterator(dir); it != fs::recursive_directory_iterator(); ++it) {
    n += it->path().filename() == "meta.json";
  }
  return n;
}

TEST(CliRun, KillDashNineMidNodeLeavesNothingThatLooksFinished) {
  CliHarness h("sigkill");
  h.Write("p.yaml", kBlocking);
  pid_t pid = h.Start({"run", "p.yaml"}, "killed");
  ASSERT_TRUE(h.WaitForFile("started", 20));
  ::kill(pid, SIGKILL);
  CliResult killed = h.Wait(pid, "killed");
  EXPECT_EQ(killed.exit_code, 128 + SIGKILL);
  ::kill(std::stoi(h.Read("started")), SIGKILL);  // the orphaned command
  EXPECT_EQ(CountEntries(h.cache() / "entries"), 0u);
  EXPECT_FALSE(fs::is_empty(h.cache() / "tmp"));  // the half-built node is left in tmp/ only

  CliResult rerun = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(rerun.exit_code, 0) << rerun.err;
  EXPECT_EQ(rerun.Statuses(), (std::map<std::string, std::string>{{"slow", "ran"}, {"after", "ran"}}));
  EXPECT_TRUE(fs::is_empty(h.cache() / "tmp"));
}

TEST(CliRun, CtrlCCancelsCleanlyWithExitCode130) {
  CliHarness h("sigint");
  h.Write("p.yaml", kBlocking);
  pid_t pid = h.Start({"run", "p.yaml"}, "interrupted");
  ASSERT_TRUE(h.WaitForFile("started", 20));
  ::kill(pid, SIGINT);
  CliResult r = h.Wait(pid, "interrupted");
  EXPECT_EQ(r.exit_code, 130) << r.err;
  EXPECT_NE(r.out.find("interrupted: ran 0, cached 0, failed 0, skipped 2"), std::string::npos) << r.out;
  EXPECT_EQ(CountEntries(h.cache() / "entries"), 0u);
  EXPECT_TRUE(fs::is_empty(h.cache() / "tmp"));
}

TEST(CliRun, TwoProcessesOnOneCacheComputeEachKeyOnce) {
  CliHarness h("concurrent");
  h.Write("p.yaml", R"(
nodes:
  shared:
    type: exec
    params: {cmd: ["sh", "-c", "echo x >> count.log; sleep 1; echo v > $XSTILTS_OUT/v.txt"]}
  use:
    type: exec
    inputs: {in: shared}
    params: {cmd: ["sh", "-c", "cat $XSTILTS_IN_in/v.txt > $XSTILTS_OUT/u.txt"]}
)");
  pid_t first = h.Start({"run", "p.yaml", "--json"}, "first");
  pid_t second = h.Start({"run", "p.yaml", "--json"}, "second");
  CliResult a = h.Wait(first, "first"), b = h.Wait(second, "second");
  ASSERT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(h.Read("count.log"), "x\n");
  std::multiset<std::string> shared = {a.Statuses()["shared"], b.Statuses()["shared"]};
  EXPECT_EQ(shared, (std::multiset<std::string>{"cached", "ran"}));
  EXPECT_EQ(CountEntries(h.cache() / "entries"), 2u);
}

// Cooperative runs: `slow` holds its key's lock in the first process until the file `release`
// appears. The second process, with one job, goes on with the independent nodes meanwhile, then
// finds `slow` built by the first and runs its successor. Each body appends to built.log. (With
// one job the second process may try `slow` before or after a and b; either way it must have run
// both, and said that `slow` is busy, before the first process lets `slow` finish.)
TEST(CliRun, SecondProcessRunsOtherNodesWhileAKeyIsLockedThenReusesIt) {
  CliHarness h("cooperative");
  h.Write("slow.sh", R"(echo slow >> built.log
echo $$ > slow.started
i=0
while [ ! -e release ] && [ $i -lt 1200 ]; do sleep 0.05; i=$((i + 1)); done
echo s > "$XSTILTS_OUT/s.txt"
)");
  h.Write("p.yaml", R"(
nodes:
  a:
    type: exec
    params: {cmd: ["sh", "-c", "echo a >> built.log; echo a > $XSTILTS_OUT/a.txt"]}
  b:
    type: exec
    params: {cmd: ["sh", "-c", "echo b >> built.log; echo b > $XSTILTS_OUT/b.txt"]}
  slow:
    type: exec
    params: {cmd: ["sh", "slow.sh"], deps: ["slow.sh"]}
  after:
    type: exec
    inputs: {in: slow}
    params: {cmd: ["sh", "-c", "echo after >> built.log; cat $XSTILTS_IN_in/s.txt > $XSTILTS_OUT/after.txt"]}
)");
  const pid_t first = h.Start({"run", "p.yaml", "--only", "slow", "--json"}, "first");
  if (!h.WaitForFile("slow.started", 30)) {
    ::kill(first, SIGKILL);
    FAIL() << h.Wait(first, "first").err;
  }
  const pid_t second = h.Start({"run", "p.yaml", "--json", "-j", "1"}, "second");
  auto lines = [&] {
    std::multiset<std::string> built;
    std::istringstream in(h.Read("built.log"));
    for (std::string line; std::getline(in, line);) built.insert(line);
    return built;
  };
  bool went_on = false;  // the second process ran a and b while the first still builds slow
  for (int i = 0; i < 600 && !went_on; ++i) {
    went_on = lines().count("a") == 1 && lines().count("b") == 1 &&
              h.Read("second.err").find("slow: another process is building the same key; going on with other nodes") !=
                  std::string::npos;
    if (!went_on) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  h.Write("release", "");
  CliResult one = h.Wait(first, "first"), two = h.Wait(second, "second");
  EXPECT_TRUE(went_on) << two.err;
  ASSERT_EQ(one.exit_code, 0) << one.err;
  ASSERT_EQ(two.exit_code, 0) << two.err;
  EXPECT_EQ(one.Statuses()["slow"], "ran");
  EXPECT_EQ(two.Statuses(), (std::map<std::string, std::string>{
                                {"slow", "cached"}, {"a", "ran"}, {"b", "ran"}, {"after", "ran"}}));
  EXPECT_NE(two.err.find("slow: cached (built meanwhile by another process)"), std::string::npos) << two.err;
  EXPECT_EQ(lines(), (std::multiset<std::string>{"slow", "a", "b", "after"}));  // each key built once
  EXPECT_EQ(CountEntries(h.cache() / "entries"), 4u);
}

TEST(CliRun, CorruptEntryIsReportedAndRecomputed) {
  CliHarness h("corrupt");
  h.Write("p.yaml", kChain);
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  // Flip bytes at the end of a's artifact, keeping its size: only the checksum can tell.
  CliResult status = h.Run({"status", "p.yaml", "--json"});
  std::string key_a = status.Json()["nodes"][0]["key"];
  fs::path artifact = h.cache() / "entries" / key_a.substr(0, 2) / key_a / "out.h5";
  {
    std::fstream f(artifact, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-8, std::ios::end);
    f.write("XXXXXXXX", 8);
  }
  fs::remove(h.dir() / "ran.log");
  CliResult r = h.Run({"run", "p.yaml", "--json", "--set", "d.params.env={SUFFIX: z}"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["a"], "ran");
  EXPECT_EQ(r.Statuses()["d"], "ran");
  EXPECT_NE(r.err.find("a: cache entry corrupt, moved aside: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("checksum mismatch"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::is_empty(h.cache() / "corrupt"));
}

TEST(CliRun, DependencyFileContentJoinsTheKey) {
  CliHarness h("deps");
  h.Write("script.sh", "echo v1 > $XSTILTS_OUT/out.txt\n");
  h.Write("p.yaml", R"(
nodes:
  s:
    type: exec
    params: {cmd: ["sh", "script.sh"], deps: ["script.sh"]}
)");
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  h.Write("script.sh", "echo v1 > $XSTILTS_OUT/out.txt\n");  // rewritten, same content
  EXPECT_EQ(h.Run({"run", "p.yaml", "--json"}).Statuses()["s"], "cached");
  h.Write("script.sh", "echo v2 > $XSTILTS_OUT/out.txt\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(r.Statuses()["s"], "ran");
  EXPECT_NE(r.err.find("s: file script.sh changed"), std::string::npos) << r.err;
}

TEST(CliRun, RunLogHasOneJsonLinePerEvent) {
  CliHarness h("runlog");
  h.Write("p.yaml", kChain);
  ASSERT_EQ(h.Run({"run", "p.yaml", "--log", "run.jsonl", "--set", "a.params.cmd=[sh, -c, 'echo said; echo x > $XSTILTS_OUT/a.txt']"}).exit_code, 0);
  std::istringstream lines(h.Read("run.jsonl"));
  std::vector<std::string> events;
  std::string line;
  while (std::getline(lines, line)) {
    nlohmann::json event = nlohmann::json::parse(line);
    events.push_back(event["event"].get<std::string>() + (event.contains("node") ? ":" + event["node"].get<std::string>() : ""));
    if (event["event"] == "end") {
      EXPECT_TRUE(event.contains("cost")) << line;
    }
    if (event["event"] == "log") {
      EXPECT_EQ(event["line"], "said");
    }
  }
  ASSERT_GE(events.size(), 2u);
  EXPECT_EQ(events.front(), "run_start");
  EXPECT_EQ(events.back(), "run_end");
  EXPECT_EQ(std::count(events.begin(), events.end(), "end:c"), 1);
  EXPECT_EQ(std::count(events.begin(), events.end(), "log:a"), 1);
}

TEST(CliRun, DryRunPlansWithoutRunning) {
  CliHarness h("dryrun");
  h.Write("p.yaml", kChain);
  CliResult r = h.Run({"run", "p.yaml", "--dry-run", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"a", "would_run"}, {"b", "would_run"}, {"c", "would_run"}, {"d", "would_run"}}));
  EXPECT_FALSE(fs::exists(h.dir() / "ran.log"));
}

TEST(CliGraph, PrintsDotMermaidAndJson) {
  CliHarness h("graph");
  h.Write("p.yaml", kChain);
  CliResult dot = h.Run({"graph", "p.yaml", "--format", "dot"});
  EXPECT_NE(dot.out.find("  \"a\" -> \"b\" [label=\"in\"];\n"), std::string::npos) << dot.out;
  // Rendered by graphviz: each box shows the name and the type on two lines.
  if (std::system("command -v dot > /dev/null") != 0) {
    ADD_FAILURE() << "graphviz's dot is not installed (scripts/install-deps.sh installs it)";
  } else {
    h.Write("p.dot", dot.out);
    ASSERT_EQ(std::system(("dot -Tsvg '" + (h.dir() / "p.dot").string() + "' -o '" + (h.dir() / "p.svg").string() + "'").c_str()), 0);
    const std::string svg = h.Read("p.svg");
    EXPECT_NE(svg.find(">a</text>"), std::string::npos) << svg;
    EXPECT_NE(svg.find(">(exec)</text>"), std::string::npos) << svg;
    EXPECT_EQ(svg.find("\\n"), std::string::npos) << svg;
  }
  CliResult mermaid = h.Run({"graph", "p.yaml", "--format", "mermaid"});
  EXPECT_NE(mermaid.out.find("  n0 -->|in| n1\n"), std::string::npos) << mermaid.out;
  nlohmann::json json = nlohmann::json::parse(h.Run({"graph", "p.yaml", "--format", "json"}).out);
  EXPECT_EQ(json["nodes"].size(), 4u);
  EXPECT_EQ(json["edges"].size(), 3u);
}

TEST(CliDocs, EmbeddedDemoPipelineIsValid) {
  CliHarness h("demo");
  std::string demo = (fs::path(XSTILTS_SOURCE_DIR) / "pipelines" / "demo.yaml").string();
  CliResult r = h.Run({"graph", demo, "--format", "json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json graph = nlohmann::json::parse(r.out);
  // 6 text/tokenizer/pretraining nodes + 2 MLMs; intermediate: 2 corpora + 2 x 2 (select,
  // tokenize) + 2 x 2 x 3 seeds trains; target 1: 2 + 6 x 3 trains + 9 x 2 test sets + 6 x 3
  // evaluations; target 2: 9 x 2 pair sets + 2 + 4 x 3 retrievals; the report.
  EXPECT_EQ(graph["nodes"].size(), 8u + 18u + 56u + 32u + 1u);
}

TEST(CliDocs, NodeReferenceInDocsIsCurrent) {
  CliHarness h("docs");
  CliResult r = h.Run({"nodes", "--markdown"});
  ASSERT_EQ(r.exit_code, 0);
  std::ifstream in(fs::path(XSTILTS_SOURCE_DIR) / "docs" / "nodes.md");
  std::stringstream docs;
  docs << in.rdbuf();
  EXPECT_EQ(docs.str(), r.out) << "regenerate with: build/cli/xstilts nodes --markdown > docs/nodes.md";
  // The schema has one variant per node type listed in the reference.
  nlohmann::json schema = nlohmann::json::parse(h.Run({"schema"}).out);
  size_t types = 0;
  for (size_t pos = 0; (pos = r.out.find("\n## ", pos)) != std::string::npos; ++pos) ++types;
  EXPECT_EQ(schema["properties"]["nodes"]["additionalProperties"]["oneOf"].size(), types);
}

// A relative --cache with the pipeline in another folder: the paths a node gets (here
// $XSTILTS_OUT, used from the pipeline's folder) still lead into the cache.
TEST(CliRun, ARelativeCacheWorksFromAnyFolder) {
  CliHarness h("relative_cache");
  h.Write("pipelines/p.yaml", kChain);
  CliResult r = h.Run({"run", "pipelines/p.yaml", "--json", "--cache", "relative/cache"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["d"], "ran");
  EXPECT_TRUE(fs::exists(h.dir() / "relative" / "cache" / "entries"));
}

}  // namespace
}  // namespace xstilts
