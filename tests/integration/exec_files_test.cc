// What an `exec` node hands on and gets: its files artifact read with h5py as docs/artifacts.md
// shows, and fan-in inputs in subfolders named after their upstream nodes.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

const char kTwoAndACollector[] = R"(
nodes:
  train_a:
    type: exec
    params: {cmd: ["sh", "-c", "mkdir -p $XSTILTS_OUT/sub; echo 71.5 > $XSTILTS_OUT/score.txt; printf '#!/bin/sh\n' > $XSTILTS_OUT/sub/run.sh; chmod +x $XSTILTS_OUT/sub/run.sh"]}
  train_b:
    type: exec
    params: {cmd: ["sh", "-c", "echo 70.2 > $XSTILTS_OUT/score.txt"]}
  collect:
    type: exec
    inputs: {runs: [train_a, train_b]}
    params: {cmd: ["sh", "-c", "cd $XSTILTS_IN_runs && for d in *; do echo $d $(cat $d/score.txt); done | tee $XSTILTS_OUT/all.txt"]}
)";

// Debian's Python, where python3-h5py installs (a python3 earlier on PATH may be another one).
std::string DebianPython() { return fs::exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3"; }

// The python block after the `<!-- files-snippet -->` marker of docs/artifacts.md.
std::string FilesSnippet() {
  std::ifstream in(fs::path(XSTILTS_SOURCE_DIR) / "docs" / "artifacts.md");
  std::stringstream text;
  text << in.rdbuf();
  const std::string doc = text.str();
  const size_t marker = doc.find("<!-- files-snippet -->\n```python\n");
  if (marker == std::string::npos) return "";
  const size_t start = doc.find('\n', doc.find("```python", marker)) + 1;
  return doc.substr(start, doc.find("```", start) - start);
}

TEST(ExecFiles, FanInInputsAreNamedAfterTheirNodes) {
  CliHarness h("exec_fan_in");
  h.Write("p.yaml", kTwoAndACollector);
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["collect"], "ran");
  EXPECT_NE(r.err.find("collect: train_a 71.5"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("collect: train_b 70.2"), std::string::npos) << r.err;
}

TEST(ExecFiles, TheDocumentedH5pySnippetUnpacksAnExecArtifact) {
  if (std::system((DebianPython() + " -c 'import h5py' 2>/dev/null").c_str()) != 0) {
    GTEST_SKIP() << "python3-h5py is not installed (scripts/install-deps.sh installs it)";
  }
  const std::string snippet = FilesSnippet();
  ASSERT_FALSE(snippet.empty()) << "docs/artifacts.md has no <!-- files-snippet --> python block";
  CliHarness h("exec_h5py");
  h.Write("p.yaml", kTwoAndACollector);
  CliResult r = h.Run({"run", "p.yaml", "--json", "--only", "train_a"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  fs::copy_file(h.ArtifactOf(r, "train_a", "out"), h.dir() / "out.h5");
  h.Write("snippet.py", snippet);
  const std::string command = "cd '" + h.dir().string() + "' && " + DebianPython() + " snippet.py 2> snippet.err";
  ASSERT_EQ(std::system(command.c_str()), 0) << h.Read("snippet.err");
  EXPECT_EQ(h.Read("unpacked/score.txt"), "71.5\n");
  EXPECT_EQ(h.Read("unpacked/sub/run.sh"), "#!/bin/sh\n");
  EXPECT_NE(fs::status(h.dir() / "unpacked" / "sub" / "run.sh").permissions() & fs::perms::owner_exec, fs::perms::none);
  EXPECT_EQ(fs::status(h.dir() / "unpacked" / "score.txt").permissions() & fs::perms::owner_exec, fs::perms::none);
}

}  // namespace
}  // namespace xstilts
