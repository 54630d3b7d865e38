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
#include "tests/integration/paper_graph.h"
#include "tests/integration/report_csv.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

const std::string kSmall = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small.yaml";
const std::string kSmallMlm = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small-mlm.yaml";
const std::string kFullMlm = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-mlm.yaml";

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

// pipelines/xstilts-mlm.yaml: the paper's grid (testing::kFullNodeCount) and, per task of
// mlm_tasks, a stage trained with a masked-LM on the plain-text corpus (S = 14, 3 stages more):
//   corpus:        1 text dataset + 2 tokenize (one per model)                                =   3
//   intermediate:  2 models x 3 trainings                                                     =   6
//   targets:       2 models x 3 stages x (7 train + 7 evaluate + 2 retrieve)                  =  96
//   submission:    XLM-R x 3 stages x (5 test evaluate + 3 dev evaluate)                       =  24
TEST(MlmPipeline, TheFullGridVariantAddsAStagePerTaskOnAPlainTextCorpusWithoutItsData) {
  CliHarness h("paper_full_mlm");
  const testing::PaperGraph base = testing::LoadPaperGraph(h, {});
  const testing::PaperGraph g = testing::LoadPaperGraph(h, {}, kFullMlm);
  ASSERT_EQ(g.json["nodes"].size(), testing::kFullNodeCount + 3 + 6 + 96 + 24);
  for (const auto& [name, node] : base.nodes) {
    ASSERT_TRUE(g.nodes.count(name)) << name;
    EXPECT_EQ(g.nodes.at(name)["params"], node["params"]) << name;
  }
  EXPECT_EQ(g.nodes.at("mlm_corpus")["params"]["format"], "text");
  EXPECT_EQ(g.nodes.at("mlm_corpus")["params"]["languages"].size(), 40u);
  for (const std::string model : {"xlmr", "roberta"}) {
    for (const std::string task : {"squad", "mnli", "hellaswag"}) {
      const std::string stage = model + "_" + task + "_mlm";
      ASSERT_TRUE(g.nodes.count(stage)) << stage;
      EXPECT_EQ(g.From(stage, "mlm"), std::set<std::string>{"mlm_tokens_" + model});
      EXPECT_EQ(g.From(stage, "train"), std::set<std::string>{"inter_tokens_" + task + "_" + model});
      EXPECT_EQ(g.From(stage, "model"), std::set<std::string>{model + "_pretrained"});
      EXPECT_EQ(g.nodes.at(stage)["params"]["mlm_share"], 0.2);
      // Its targets start from it, as from every other stage.
      EXPECT_EQ(g.From("xnli_" + model + "_" + task + "_mlm", "model"), std::set<std::string>{stage});
    }
  }
  EXPECT_EQ(g.From("mlm_tokens_xlmr", "examples"), std::set<std::string>{"mlm_corpus"});

  // Without the corpus (or CCGbank, PAN-X) on this machine: the dry run lists what it needs, and
  // the estimate prices the new stages from the declared corpus size.
  const CliResult dry = h.Run({"run", kFullMlm, "--dry-run", "--json"});
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const nlohmann::json plan = dry.Json();
  for (const auto& node : plan["nodes"]) {
    if (node["name"] == "mlm_corpus") {
      EXPECT_EQ(node["stale_kind"], "input_missing") << node.dump();
    }
  }
  const CliResult estimate = h.Run({"estimate", kFullMlm, "--device", "a100", "--json"});
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  const nlohmann::json j = estimate.Json();
  std::map<std::string, double> flops;
  for (const auto& node : j["nodes"]) flops[node["name"].get<std::string>()] = node.value("flops", 0.0);
  EXPECT_GT(flops["xlmr_mnli_mlm"], flops["xlmr_mnli"]) << "the masked-LM updates cost more than the task's alone";
  EXPECT_GT(flops["xlmr_mnli"], 0);
}

}  // namespace
}  // namespace xstilts
