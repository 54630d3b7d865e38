// What the CLI says: unknown commands, nodes that share a key, colour only when asked for or on a
// terminal.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

TEST(CliMessages, AnUnknownCommandSuggestsTheClosest) {
  CliHarness h("unknown_command");
  CliResult typo = h.Run({"rn", "p.yaml"});
  EXPECT_EQ(typo.exit_code, 2);
  EXPECT_EQ(typo.err,
            "error: unknown command 'rn'; did you mean 'run'?\n"
            "  commands: run, run-node, status, explain, graph, report, estimate, export, nodes, schema, score, cache (xstilts --help says more)\n");
  CliResult nested = h.Run({"gc"});
  EXPECT_EQ(nested.exit_code, 2);
  EXPECT_EQ(nested.err.rfind("error: unknown command 'gc'; did you mean 'cache gc'?\n  commands: run, ", 0), 0u) << nested.err;
  CliResult unknown = h.Run({"frobnicate"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err.rfind("error: unknown command 'frobnicate'\n  commands: run, ", 0), 0u) << unknown.err;
}

const char kTwins[] = R"(nodes:
  first:
    type: exec
    params: {cmd: ["sh", "-c", "echo same > $XSTILTS_OUT/x.txt"]}
  second:
    type: exec
    params: {cmd: ["sh", "-c", "echo same > $XSTILTS_OUT/x.txt"]}
)";

TEST(CliMessages, NodesWithOneKeyAreBuiltOnceAndSaySo) {
  CliHarness h("same_key");
  h.Write("p.yaml", kTwins);
  CliResult r = h.Run({"run", "p.yaml", "--json", "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::map<std::string, std::string> statuses = r.Statuses();
  const bool first_built = statuses.at("first") == "ran";
  EXPECT_EQ(statuses.at(first_built ? "second" : "first"), "cached") << r.err;
  const std::string builder = first_built ? "first" : "second";
  const std::string other = first_built ? "second" : "first";
  EXPECT_NE(r.err.find(other + ": cached (same key as node '" + builder + "', which built it in this run)"),
            std::string::npos)
      << r.err;
  CliResult status = h.Run({"status", "p.yaml"});
  EXPECT_EQ(status.out,
            "2 nodes: 2 cached, 0 stale\n"
            "  cached  first (same key as second: built once)\n"
            "  cached  second (same key as first: built once)\n");
}

TEST(CliMessages, NodesLeftOutByOnlyAreCountedAsLeftOut) {
  CliHarness h("only_counts");
  h.Write("p.yaml", std::string(kTwins) + R"(  third:
    type: exec
    inputs: {in: first}
    params: {cmd: ["true"]}
)");
  CliResult r = h.Run({"run", "p.yaml", "--only", "first"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out.rfind("3 nodes: 0 cached, 1 to run, 2 left out (--only)\n", 0), 0u) << r.out;
  EXPECT_NE(r.out.find("done: ran 1, cached 0, failed 0, skipped 0, left out 2 in "), std::string::npos) << r.out;
}

// Two nodes that each take every core cannot overlap: the one held back says what it waits for.
TEST(CliMessages, ANodeHeldBackSaysWhatItWaitsFor) {
  CliHarness h("waiting");
  h.Write("p.yaml", R"(nodes:
  first:
    type: exec
    params: {cmd: ["sh", "-c", "sleep 0.5; echo 1 > $XSTILTS_OUT/a.txt"]}
    resources: {threads: 0}
  second:
    type: exec
    params: {cmd: ["sh", "-c", "sleep 0.5; echo 2 > $XSTILTS_OUT/a.txt"]}
    resources: {threads: 0}
)");
  CliResult r = h.Run({"run", "p.yaml", "-j", "2"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const size_t at = r.err.find(": waiting for ");
  ASSERT_NE(at, std::string::npos) << r.err;
  const std::string line = r.err.substr(at, r.err.find('\n', at) - at);
  EXPECT_NE(line.find(" threads: 0 of "), std::string::npos) << line;
  EXPECT_NE(line.find(" free"), std::string::npos) << line;
}

// Runs may share a log (two users, two machines on one cache): every line says whose it is.
TEST(CliMessages, EveryRunLogLineNamesItsRunUserHostAndPid) {
  CliHarness h("run_log_origin");
  h.Write("p.yaml", kTwins);
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::ifstream log(r.Json()["run_log"].get<std::string>());
  size_t lines = 0;
  std::set<std::string> runs;
  for (std::string line; std::getline(log, line); ++lines) {
    const nlohmann::json event = nlohmann::json::parse(line);
    for (const char* field : {"run", "user", "host", "pid"}) EXPECT_TRUE(event.contains(field)) << line;
    runs.insert(event["run"].get<std::string>());
  }
  EXPECT_GE(lines, 4u);
  EXPECT_EQ(runs.size(), 1u);
}

// A node asking for GPUs this machine lacks is refused before anything runs (a dry run warns).
TEST(CliMessages, ANodeNeedingMoreGpusThanTheMachineHasIsRefusedBeforeTheRun) {
  CliHarness h("gpus");
  h.Write("p.yaml", R"(nodes:
  first:
    type: exec
    params: {cmd: ["sh", "-c", "touch ran; echo 1 > $XSTILTS_OUT/a.txt"]}
  train:
    type: exec
    params: {cmd: ["sh", "-c", "touch ran; echo 2 > $XSTILTS_OUT/a.txt"]}
    resources: {gpus: 64}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_NE(r.err.find("error: node 'train' (p.yaml:5:3) needs 64 GPUs; this machine has "), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(h.dir() / "ran")) << "nothing runs";
  h.Write("q.yaml", R"(nodes:
  big:
    type: exec
    params: {cmd: ["sh", "-c", "touch ran; echo 2 > $XSTILTS_OUT/a.txt"]}
    resources: {memory: 100T, time: 2h}
)");
  CliResult memory = h.Run({"run", "q.yaml"});
  EXPECT_EQ(memory.exit_code, 3);
  EXPECT_NE(memory.err.find("error: node 'big' (q.yaml:2:3) needs 100.0 TiB of memory; this machine has "), std::string::npos)
      << memory.err;
  EXPECT_FALSE(fs::exists(h.dir() / "ran")) << "nothing runs";
  CliResult dry = h.Run({"run", "p.yaml", "--dry-run"});
  EXPECT_EQ(dry.exit_code, 0);
  EXPECT_NE(dry.err.find("warning: node 'train' (p.yaml:5:3) needs 64 GPUs"), std::string::npos) << dry.err;
}

TEST(CliMessages, ColourOnlyWhenAskedForOrOnATerminal) {
  CliHarness h("colour");
  h.Write("p.yaml", kTwins);
  CliResult plain = h.Run({"status", "p.yaml"});
  EXPECT_EQ(plain.out.find('\x1b'), std::string::npos) << "not a terminal: no colour";
  CliResult coloured = h.Run({"status", "p.yaml", "--color", "always"});
  EXPECT_NE(coloured.out.find("  \x1b[33mstale  \x1b[0m first"), std::string::npos) << coloured.out;
  CliResult error = h.Run({"--color=always", "rn"});
  EXPECT_EQ(error.err.rfind("\x1b[1;31merror:\x1b[0m unknown command 'rn'", 0), 0u) << error.err;
  CliResult never = h.Run({"status", "p.yaml", "--color=never"});
  EXPECT_EQ(never.out, plain.out);
  CliResult invalid = h.Run({"status", "p.yaml", "--color=sometimes"});
  EXPECT_EQ(invalid.exit_code, 2);
}

}  // namespace
}  // namespace xstilts
