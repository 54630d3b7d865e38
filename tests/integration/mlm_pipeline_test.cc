// The masked-LM variant (pipelines/xstilts-small-mlm.yaml): intermediate-task training that keeps a
// multilingual masked-LM going alongside, as a stage of the small grid. It keeps the base's cache
// keys, runs end to end on the shared benchmark files, is reported as its own intermediate task
// ("mnli+mlm" next to "mnli"), and its cost is what the estimate projects.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/build_features.h"
#include "tests/integration/cli_harness.h"
#include "tests/integration/report_csv.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

const std::string kSmall = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small.yaml";
const std::string kSmallMlm = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small-mlm.yaml";

std::map<std::string, std::string> DryRunKeys(const CliHarness& h, const std::string& pipeline,
                                              const std::string& data) {
  const CliResult r = h.Run({"run", pipeline, "--dry-run", "--json", "--set", data});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json plan = r.Json();
  std::map<std::string, std::string> keys;
  for (const auto& node : plan["nodes"]) keys[node["name"].get<std::string>()] = node["key"].get<std::string>();
  return keys;
}

TEST(MlmPipeline, AStageWithAMultilingualMaskedLmRunsIntoTheReport) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_file, "xnli/xtreme/dev-de.tsv");
  const std::string data = "vars.data=" + testing::SharedDataDir().string();
  CliHarness h("paper_small_mlm");
  // The base grid's nodes are all there, with the same keys; the variant adds the stage.
  const std::map<std::string, std::string> base = DryRunKeys(h, kSmall, data);
  const std::map<std::string, std::string> variant = DryRunKeys(h, kSmallMlm, data);
  for (const auto& [name, key] : base) {
    if (name != "report") EXPECT_EQ(variant.at(name), key) << name;  // the report reads the new stage too
  }
  // 2 corpora in each model's tokens + per model and seed: the stage's training, 3 targets x
  // (train + evaluate) and a retrieval.
  EXPECT_EQ(variant.size(), base.size() + 2 + 2 * 3 * (1 + 3 * 2 + 1));

  const CliResult run = h.Run({"run", kSmallMlm, "--json", "--only", "report", "--set", data, "--set",
                               "vars.models=[multi]", "--set", "vars.stages=[mnli, mnli_mlm]", "--set",
                               "vars.seeds=[1]", "--set", "report.params.monolingual=[]"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::map<std::string, std::string> statuses = run.Statuses();
  EXPECT_EQ(statuses.at("multi_mnli_mlm_s1"), "ran");
  // mlm_tokens_multi is corpus_tokens_multi under another name (the same key): built once.
  EXPECT_EQ(std::multiset<std::string>({statuses.at("mlm_tokens_multi"), statuses.at("corpus_tokens_multi")}),
            std::multiset<std::string>({"ran", "cached"}));
  for (const auto& [name, status] : statuses) EXPECT_NE(status, "failed") << name;

  // The report: the stage is its own intermediate task, on every target.
  const std::vector<fs::path> csv_files = testing::FindFiles(h.cache(), "report.csv");
  ASSERT_EQ(csv_files.size(), 1u);
  const std::vector<std::vector<std::string>> rows = testing::ReadCsv(csv_files[0]);
  std::map<std::string, std::set<std::string>> targets;  // intermediate -> targets
  for (size_t i = 1; i < rows.size(); ++i) targets[rows[i][2]].insert(rows[i][3]);
  const std::set<std::string> all = {"xnli", "pawsx", "panx", "tatoeba"};
  EXPECT_EQ(targets, (std::map<std::string, std::set<std::string>>{{"none", all}, {"mnli", all}, {"mnli+mlm", all}}));

  // Its cost: the masked-LM's share of the updates counted as the estimate projects it.
  const CliResult estimate = h.Run({"estimate", kSmallMlm, "--json", "--set", data, "--set", "vars.seeds=[1]"});
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  const nlohmann::json projected = estimate.Json();
  bool found = false;
  for (const auto& node : projected["nodes"]) {
    if (node["name"] != "multi_mnli_mlm_s1") continue;
    found = true;
    ASSERT_TRUE(node.contains("recorded_flops")) << node.dump();
    const double recorded = node["recorded_flops"].get<double>();
    EXPECT_GT(recorded, 0);
    EXPECT_LE(std::abs(node["flops"].get<double>() - recorded), 0.2 * recorded) << node.dump();
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace xstilts
