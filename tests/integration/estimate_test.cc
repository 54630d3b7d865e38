// `xstilts estimate`: projected FLOPs against the cost records of real runs (the tiny grid of
// pipelines/xstilts-small.yaml and a shrunken pipelines/demo.yaml), the paper's grid estimated
// without its data, and the refused flags.
#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/build_features.h"
#include "tests/integration/cli_harness.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

const std::string kPipelines = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/";

// The `cost` a node's run recorded in its cache entry's metadata.
nlohmann::json RecordedCost(const CliHarness& h, const CliResult& run, const std::string& node, const std::string& port) {
  const fs::path artifact = h.ArtifactOf(run, node, port);
  std::ifstream in(artifact.parent_path() / "meta.json");
  if (!in) return nullptr;
  return nlohmann::json::parse(in).value("cost", nlohmann::json());
}

const nlohmann::json* FindNode(const nlohmann::json& estimate, const std::string& name) {
  for (const nlohmann::json& n : estimate["nodes"]) {
    if (n["name"] == name) return &n;
  }
  return nullptr;
}

// Every node of `ran` (name, output port) was estimated from measured sizes, with its model's
// exact parameter count and FLOPs within 20% of what its run recorded. Returns the relative errors.
std::vector<double> ExpectEstimatesMatchRuns(const CliHarness& h, const CliResult& run, const nlohmann::json& estimate,
                                             const std::vector<std::pair<std::string, std::string>>& ran) {
  std::vector<double> errors;
  for (const auto& [name, port] : ran) {
    SCOPED_TRACE(name);
    const nlohmann::json recorded = RecordedCost(h, run, name, port);
    const nlohmann::json* projected = FindNode(estimate, name);
    if (recorded.is_null() || projected == nullptr) {
      ADD_FAILURE() << "no record or no estimate";
      continue;
    }
    EXPECT_EQ((*projected)["source"], "measured") << (*projected)["note"];
    EXPECT_EQ((*projected)["parameters"].get<double>(), recorded["parameters"].get<double>());
    const double rec = recorded["flops"].get<double>(), est = (*projected)["flops"].get<double>();
    EXPECT_GT(rec, 0);
    if (rec <= 0) continue;
    EXPECT_EQ((*projected)["recorded_flops"].get<double>(), rec);
    errors.push_back((est - rec) / rec);
    EXPECT_LE(std::abs(errors.back()), 0.2) << "estimated " << est << ", recorded " << rec << "; "
                                            << (*projected)["note"];
    std::printf("%-32s estimated %.4g recorded %.4g FLOPs: %+.1f%%\n", name.c_str(), est, rec, 100 * errors.back());
  }
  return errors;
}

CliResult RunOnly(const CliHarness& h, const std::vector<std::string>& start,
                  const std::vector<std::pair<std::string, std::string>>& nodes) {
  std::vector<std::string> args = start;
  for (const auto& node : nodes) {
    args.push_back("--only");
    args.push_back(node.first);
  }
  return h.Run(args);
}

TEST(Estimate, SmallGridWithinTwentyPercentOfItsRecords) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_file, "xnli/xtreme/dev-de.tsv");
  const std::string data = "vars.data=" + testing::SharedDataDir().string();
  CliHarness h("estimate_small");
  // Every kind of training of the grid for one model: masked-LM pretraining, one intermediate
  // task by steps, the two-task mixture (sampled tasks), target training by epochs with a dev set
  // on each target's format; and the inference nodes of one stage.
  const std::vector<std::pair<std::string, std::string>> ran = {
      {"multi_pretrained", "model"},           {"multi_mnli_s1", "model"},
      {"multi_mixture_s1", "model"},           {"xnli_multi_mixture_s1", "model"},
      {"pawsx_multi_pretrained_s1", "model"},  {"panx_multi_sst2_s1", "model"},
      {"eval_xnli_multi_mixture_s1", "metrics"}, {"retrieve_tatoeba_multi_mixture_s1", "metrics"}};
  const std::string one_seed = "vars.seeds=[1]";
  const CliResult run =
      RunOnly(h, {"run", kPipelines + "xstilts-small.yaml", "--json", "--set", data, "--set", one_seed}, ran);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const CliResult estimate =
      h.Run({"estimate", kPipelines + "xstilts-small.yaml", "--json", "--set", data, "--set", one_seed});
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  const std::vector<double> errors = ExpectEstimatesMatchRuns(h, run, estimate.Json(), ran);
  EXPECT_EQ(errors.size(), ran.size());
}

TEST(Estimate, DemoWithinTwentyPercentOfItsRecords) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  CliHarness h("estimate_demo");
  // The demo's chain for one model and one intermediate task (the full demo takes minutes): two
  // languages, fewer messages and pretraining steps, a smaller vocabulary; the same node types
  // and the same epochs, batches and lengths otherwise.
  const std::vector<std::string> shrink = {
      "--set", "vars.languages=[de, fr]",        "--set", "messages.params.min_languages=2",
      "--set", "messages.params.max_messages=400", "--set", "toolchain_corpus.params.max_messages=300",
      "--set", "tokenizer.params.vocab_size=2000", "--set", "english.params.steps=20",
      "--set", "vars.seeds=[1]"};
  const std::vector<std::pair<std::string, std::string>> ran = {
      {"english", "model"},
      {"intermediate_english_toolchain_s1", "model"},
      {"target_english_toolchain_s1", "model"},
      {"eval_programs_english_toolchain_s1", "metrics"},
      {"eval_tatoeba_english_toolchain_s1", "metrics"}};
  std::vector<std::string> start = {"run", kPipelines + "demo.yaml", "--json"};
  start.insert(start.end(), shrink.begin(), shrink.end());
  const CliResult run = RunOnly(h, start, ran);
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::vector<std::string> args = {"estimate", kPipelines + "demo.yaml", "--json"};
  args.insert(args.end(), shrink.begin(), shrink.end());
  const CliResult estimate = h.Run(args);
  ASSERT_EQ(estimate.exit_code, 0) << estimate.err;
  ExpectEstimatesMatchRuns(h, run, estimate.Json(), ran);
}

TEST(Estimate, PaperGridWithoutItsData) {
  CliHarness h("estimate_paper");
  const CliResult human = h.Run({"estimate", kPipelines + "xstilts.yaml", "--device", "A100"});
  ASSERT_EQ(human.exit_code, 0) << human.err;
  EXPECT_NE(human.out.find("estimated from declarations"), std::string::npos) << human.out;
  EXPECT_NE(human.out.find("GPU-hours on a100"), std::string::npos) << human.out;
  const CliResult run = h.Run({"estimate", kPipelines + "xstilts.yaml", "--device", "a100", "--json"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const nlohmann::json j = run.Json();
  std::map<std::string, double> models;
  for (const nlohmann::json& m : j["models"]) models[m["name"]] = m["flops"];
  ASSERT_EQ(models.size(), 2u) << j["models"].dump();
  for (const auto& [model, flops] : models) EXPECT_GT(flops, 0) << model;
  // Per model: the baseline, nine intermediate tasks and their mixture, each with a cost.
  std::map<std::string, std::set<std::string>> cells;
  for (const nlohmann::json& c : j["cells"]) {
    cells[c["model"]].insert(c["intermediate"].get<std::string>());
    EXPECT_GT(c["downstream_flops"].get<double>(), 0) << c.dump();
    if (c["intermediate"] != "") {
      EXPECT_GT(c["intermediate_flops"].get<double>(), 0) << c.dump();
    }
  }
  for (const auto& [model, flops] : models) {
    EXPECT_EQ(cells[model].size(), 11u) << model;
    for (const char* task : {"squad", "mnli", "hellaswag", "anli", "commonsenseqa", "cosmosqa", "qqp", "sst2", "ccg"}) {
      EXPECT_TRUE(cells[model].count(task)) << model << " " << task;
    }
  }
  const std::vector<std::string> declared = j["declared_nodes"];
  EXPECT_NE(std::find(declared.begin(), declared.end(), "xlmr_mnli"), declared.end());
  EXPECT_NE(std::find(declared.begin(), declared.end(), "roberta_mixture"), declared.end());
  const double hours = j["total_flops"].get<double>() / (j["gpu"]["tflops"].get<double>() * 1e12 * 0.4) / 3600;
  EXPECT_NEAR(j["total_gpu_hours"].get<double>(), hours, hours * 1e-9);
  EXPECT_EQ(j["gpu"]["mfu"].get<double>(), 0.4);
}

// `xstilts report` on a pipeline with nothing run: no report, but the cost side of the answer.
TEST(Estimate, TheReportOfAPipelineNotRunYetIsItsProjection) {
  CliHarness h("estimate_report");
  const CliResult report = h.Run({"report", kPipelines + "xstilts.yaml", "--out", "out"});
  EXPECT_EQ(report.exit_code, 1) << report.err;
  EXPECT_NE(report.err.find("has no finished results yet (none of its"), std::string::npos) << report.err;
  EXPECT_NE(report.err.find("what it will cost, projected before it runs"), std::string::npos) << report.err;
  EXPECT_NE(report.out.find("per model and intermediate task"), std::string::npos) << report.out;
  EXPECT_NE(report.out.find("xlmr_pretrained"), std::string::npos) << report.out;
  EXPECT_FALSE(std::filesystem::exists(h.dir() / "out"));
}

TEST(Estimate, RefusesBadFlags) {
  CliHarness h("estimate_flags");
  const std::string demo = kPipelines + "demo.yaml";
  const CliResult unknown = h.Run({"estimate", demo, "--device", "gtx1080"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("unknown GPU 'gtx1080'"), std::string::npos) << unknown.err;
  EXPECT_NE(unknown.err.find("a100"), std::string::npos) << unknown.err;
  for (const char* mfu : {"0", "1.5", "-0.2"}) {
    const CliResult bad = h.Run({"estimate", demo, "--device", "h100", "--mfu", mfu});
    EXPECT_EQ(bad.exit_code, 2) << mfu;
    EXPECT_NE(bad.err.find("--mfu: expected a share in (0, 1]"), std::string::npos) << bad.err;
  }
  const CliResult both = h.Run({"estimate", demo, "--device", "h100", "--tflops", "100"});
  EXPECT_EQ(both.exit_code, 2);
  EXPECT_NE(both.err.find("give one"), std::string::npos) << both.err;
  const CliResult no_gpu = h.Run({"estimate", demo, "--mfu", "0.5"});
  EXPECT_EQ(no_gpu.exit_code, 2);
  EXPECT_NE(no_gpu.err.find("--mfu needs --device"), std::string::npos) << no_gpu.err;
  const CliResult zero_peak = h.Run({"estimate", demo, "--tflops", "0"});
  EXPECT_EQ(zero_peak.exit_code, 2);
  EXPECT_NE(zero_peak.err.find("--tflops: expected a positive peak"), std::string::npos) << zero_peak.err;
}

}  // namespace
}  // namespace xstilts
