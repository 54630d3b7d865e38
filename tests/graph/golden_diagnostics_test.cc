// Golden pipelines: every tests/golden/invalid/*.yaml must fail to load with exactly the
// diagnostics in the .expected file next to it. A first line "# args: --set K=V ..." passes
// overrides. Set XSTILTS_UPDATE_GOLDEN=1 to rewrite the .expected files (then review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "graph/pipeline_spec.h"
#include "graph/resolve.h"
#include "tests/golden_files.h"
#include "tests/graph/test_registry.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

using testing::ReadText;

std::string Diagnose(const std::string& text, const std::string& name) {
  Diagnostics diagnostics;
  std::vector<Override> overrides;
  if (text.rfind("# args:", 0) == 0) {
    std::istringstream args(text.substr(7, text.find('\n') - 7));
    std::string word;
    while (args >> word) {
      if (word == "--set" && args >> word) {
        if (auto o = ParseOverride(word, diagnostics)) overrides.push_back(*o);
      }
    }
  }
  std::optional<PipelineSpec> spec = ParsePipeline(text, name, overrides, diagnostics);
  if (spec) Resolve(*spec, testing::TestRegistry(), diagnostics);
  return diagnostics.Render();
}

std::vector<fs::path> Cases() {
  std::vector<fs::path> cases;
  for (const auto& e : fs::directory_iterator(fs::path(XSTILTS_SOURCE_DIR) / "tests/golden/invalid")) {
    if (e.path().extension() == ".yaml") cases.push_back(e.path());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

TEST(GoldenDiagnostics, EveryInvalidPipelineGetsItsExactMessages) {
  std::vector<fs::path> cases = Cases();
  ASSERT_GE(cases.size(), 30u) << "the malformed-pipeline corpus shrank";
  bool update = std::getenv("XSTILTS_UPDATE_GOLDEN") != nullptr;
  for (const fs::path& yaml : cases) {
    std::string actual = Diagnose(ReadText(yaml), yaml.filename().string());
    fs::path expected_path = fs::path(yaml).replace_extension(".expected");
    if (update) {
      std::ofstream(expected_path) << actual;
      continue;
    }
    EXPECT_FALSE(actual.empty()) << yaml.filename() << " loaded without errors";
    EXPECT_EQ(actual, ReadText(expected_path)) << "case " << yaml.filename();
  }
}

}  // namespace
}  // namespace xstilts
