// The paper's pipeline (pipelines/xstilts.yaml): it loads, expands to the whole grid and plans
// every node without touching the network; its small variant (pipelines/xstilts-small.yaml) runs
// for real on the shared benchmark files and ends in a report with one row per score.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
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
using testing::FindFiles;
using testing::kFullNodeCount;
using testing::kFullPipeline;
using testing::ReadCsv;

const std::string kSmallPipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small.yaml";

const std::vector<std::string> kPanxLangs = {"af", "ar", "bg", "bn", "de", "el", "en", "es", "et", "eu",
                                             "fa", "fi", "fr", "he", "hi", "hu", "id", "it", "ja", "jv",
                                             "ka", "kk", "ko", "ml", "mr", "ms", "my", "nl", "pt", "ru",
                                             "sw", "ta", "te", "th", "tl", "tr", "ur", "vi", "yo", "zh"};

// Local data the full pipeline reads from disk (CCGbank-derived supertags, PAN-X), as tiny
// stand-ins: a dry run hashes them but does not parse them.
std::vector<std::string> LocalDataOverrides(const CliHarness& h) {
  h.Write("local/ccg/ccg.train", "The cat sat\tNP[nb]/N N S[dcl]\\NP\n");
  h.Write("local/ccg/tags_to_id.json", R"({"NP[nb]/N": 0, "N": 1, "S[dcl]\\NP": 2})");
  for (const std::string& lang : kPanxLangs) {
    h.Write("local/panx/" + lang + "/train", lang + ":Paris\tB-LOC\n\n");
    h.Write("local/panx/" + lang + "/dev", lang + ":Paris\tB-LOC\n\n");
    h.Write("local/panx/" + lang + "/test", lang + ":Paris\tB-LOC\n\n");
  }
  return {"--set", "vars.ccg_dir=" + (h.dir() / "local/ccg").string(), "--set",
          "vars.panx_dir=" + (h.dir() / "local/panx").string()};
}

TEST(PaperPipeline, FullGridExpandsToEveryNode) {
  CliHarness h("paper_graph");
  CliResult graph = h.Run({"graph", kFullPipeline, "--format", "json"});
  ASSERT_EQ(graph.exit_code, 0) << graph.err;
  nlohmann::json json = nlohmann::json::parse(graph.out);
  ASSERT_EQ(json["nodes"].size(), kFullNodeCount);
  std::map<std::string, int> by_type;
  for (const auto& node : json["nodes"]) ++by_type[node["type"].get<std::string>()];
  EXPECT_EQ(by_type["train"], 2 * 9 + 2 + 7 * 22);  // intermediate, mixtures, targets
  // 7 targets x 22 chains on the evaluation sets; for XLM-R's 11 stages, 5 on test sets (XQuAD's
  // and TyDiQA's are the evaluations above) and 3 dev scores for the submission's choice.
  EXPECT_EQ(by_type["evaluate"], 7 * 22 + 5 * 11 + 3 * 11);
  EXPECT_EQ(by_type["retrieve"], 2 * 22);
  EXPECT_EQ(by_type["report"], 1);
  EXPECT_EQ(by_type["submission"], 1);
  // 6 model files (XLM-R Large's config.json is in the repository, a `files` node); 11 for the
  // intermediate tasks (SQuAD v1.1 dev and v2.0 train, SNLI included); XNLI, PAWS-X, UD v2.5;
  // XQuAD; MLQA; TyDiQA; BUCC; Tatoeba.
  EXPECT_EQ(by_type["download"], 6 + 11 + 1 + 1 + 1 + 11 + 1 + 2 + 8 + 72);
  EXPECT_EQ(by_type["files"], 1);
  // Every download is pinned by a real checksum, none by a placeholder.
  std::set<std::string> checksums;
  for (const auto& node : json["nodes"]) {
    if (node["type"] != "download") continue;
    const std::string sha = node["params"]["sha256"].get<std::string>();
    EXPECT_NE(sha, std::string(64, '0')) << node["name"];
    checksums.insert(sha);
  }
  EXPECT_EQ(checksums.size(), static_cast<size_t>(by_type["download"])) << "two downloads share a checksum";
}

TEST(PaperPipeline, DryRunPlansEveryNodeAndRunsNothing) {
  CliHarness h("paper_dry_run");
  std::vector<std::string> args = {"run", kFullPipeline, "--dry-run", "--json"};
  for (const std::string& a : LocalDataOverrides(h)) args.push_back(a);
  CliResult dry = h.Run(args);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  std::map<std::string, std::string> statuses = dry.Statuses();
  ASSERT_EQ(statuses.size(), kFullNodeCount);
  for (const auto& [name, status] : statuses) EXPECT_EQ(status, "would_run") << name;
  // Nothing executed: no artifact in the cache.
  size_t artifacts = 0;
  if (fs::exists(h.cache() / "entries")) {
    for (const auto& entry : fs::recursive_directory_iterator(h.cache() / "entries")) {
      artifacts += entry.is_regular_file() ? 1 : 0;
    }
  }
  EXPECT_EQ(artifacts, 0u);
}

// On a fresh clone nobody has CCGbank or PAN-X: the dry run still plans all 816 nodes, saying what
// each of those needs; a real run refuses, naming every missing file at once, before it starts.
TEST(PaperPipeline, DryRunWithoutTheLocalDataSaysWhatIsMissing) {
  CliHarness h("paper_dry_run_no_data");
  const std::vector<std::string> nowhere = {"--set", "vars.ccg_dir=" + (h.dir() / "no/ccg").string(), "--set",
                                            "vars.panx_dir=" + (h.dir() / "no/panx").string()};
  std::vector<std::string> args = {"run", kFullPipeline, "--dry-run", "--json"};
  args.insert(args.end(), nowhere.begin(), nowhere.end());
  CliResult dry = h.Run(args);
  ASSERT_EQ(dry.exit_code, 0) << dry.err;
  const nlohmann::json plan = dry.Json();
  ASSERT_EQ(plan["nodes"].size(), kFullNodeCount);
  std::map<std::string, nlohmann::json> by_name;
  size_t missing = 0;
  for (const auto& node : plan["nodes"]) {
    EXPECT_EQ(node["status"], "would_run") << node["name"];
    by_name[node["name"].get<std::string>()] = node;
    if (node["stale_kind"] == "input_missing") {
      ++missing;
      EXPECT_EQ(node["key"], "") << node["name"];
    } else {
      EXPECT_EQ(node["key"].get<std::string>().size(), 64u) << node["name"];
    }
  }
  EXPECT_EQ(by_name["ccg_train"]["reasons"][0],
            "needs " + (h.dir() / "no/ccg/ccg.train").string() + ": no such file or directory");
  EXPECT_EQ(by_name["xlmr_ccg"]["reasons"][0], "waits for the missing files of ccg_train");
  EXPECT_EQ(by_name["xlmr_mixture"]["stale_kind"], "input_missing");  // the mixture includes CCG
  EXPECT_EQ(by_name["xlmr_squad"]["stale_kind"], "never_built");
  EXPECT_EQ(by_name["report"]["stale_kind"], "input_missing");
  EXPECT_NE(dry.err.find(std::to_string(kFullNodeCount) + " nodes: 0 cached, " + std::to_string(kFullNodeCount) +
                         " to run (" + std::to_string(missing) + " of them need files that are missing)"),
            std::string::npos)
      << dry.err.substr(0, 300);

  std::vector<std::string> run = {"run", kFullPipeline};
  run.insert(run.end(), nowhere.begin(), nowhere.end());
  CliResult refused = h.Run(run);
  EXPECT_EQ(refused.exit_code, 2);
  for (const std::string node : {"ccg_train", "panx_train", "panx_dev", "panx_eval", "panx_test"}) {
    EXPECT_NE(refused.err.find("error: node '" + node + "' ("), std::string::npos) << node << "\n" << refused.err;
  }
  EXPECT_FALSE(fs::exists(h.cache() / "entries") && !fs::is_empty(h.cache() / "entries"));
}

TEST(PaperPipeline, SmallVariantRunsTheGridIntoTheReport) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_file, "xnli/xtreme/dev-de.tsv");
  const fs::path data = testing::SharedDataDir();
  CliHarness h("paper_small");
  CliResult run = h.Run({"run", kSmallPipeline, "--json", "--set", "vars.data=" + data.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> statuses = run.Statuses();
  // 10 model nodes + 24 intermediate (2 datasets, 4 tokenize, 2 models x (2 tasks + mixture) x 3
  // seeds) + 3 targets x (3 datasets + 6 tokenize) + 3 targets x 2 models x 4 stages x 3 seeds trains
  // and evaluations + Tatoeba (3 datasets + 6 tokenize + 2 + 18 retrieve) + the report = 235.
  ASSERT_EQ(statuses.size(), 235u);
  for (const auto& [name, status] : statuses) EXPECT_EQ(status, "ran") << name;

  // The evaluation wrote one metrics row per evaluated language.
  std::vector<fs::path> metrics = FindFiles(h.cache() / "runs", "eval_xnli_multi_mnli_s1.json");
  ASSERT_EQ(metrics.size(), 1u);
  std::ifstream in(metrics[0]);
  nlohmann::json xnli = nlohmann::json::parse(in);
  std::set<std::string> languages;
  for (const auto& [lang, row] : xnli["metrics"].items()) {
    languages.insert(lang);
    ASSERT_TRUE(row.contains("accuracy")) << row.dump();
    EXPECT_GE(row["accuracy"].get<double>(), 0.0);
    EXPECT_LE(row["accuracy"].get<double>(), 100.0);
  }
  EXPECT_EQ(languages, (std::set<std::string>{"de", "fr", "ru", "zh"}));

  // The report: one row per (model, intermediate, target, language) and one average per cell.
  std::vector<fs::path> csv_files = FindFiles(h.cache(), "report.csv");
  ASSERT_EQ(csv_files.size(), 1u) << "report.csv not found under " << h.cache();
  std::vector<std::vector<std::string>> rows = ReadCsv(csv_files[0]);
  ASSERT_FALSE(rows.empty());
  EXPECT_EQ(rows[0], (std::vector<std::string>{"model", "group", "intermediate", "target", "metric", "language",
                                               "score", "score_sd", "n_seeds", "baseline", "gain", "gain_ci_low",
                                               "gain_ci_high", "intermediate_pflops", "intermediate_cpu_hours",
                                               "intermediate_gpu_hours"}));
  std::map<std::string, std::set<std::string>> languages_per_target;
  std::set<std::string> models, intermediates;
  size_t averages = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 16u) << i;
    models.insert(rows[i][0]);
    intermediates.insert(rows[i][2]);
    if (rows[i][5] == "avg") {
      ++averages;
    } else {
      languages_per_target[rows[i][3]].insert(rows[i][5]);
    }
    EXPECT_FALSE(rows[i][6].empty()) << "no score in row " << i;
    // Every gain rests on 3 seeds and has an interval that holds it; only retrieval from the
    // pretrained model (no training, no seed) has one replicate.
    const bool unseeded = rows[i][2] == "none" && rows[i][3] == "tatoeba";
    EXPECT_EQ(rows[i][8], unseeded ? "1" : "3") << "row " << i;
    if (unseeded) continue;
    ASSERT_FALSE(rows[i][11].empty() || rows[i][12].empty()) << "no interval in row " << i;
    const double gain = std::stod(rows[i][10]);
    EXPECT_LE(std::stod(rows[i][11]), gain) << "row " << i;
    EXPECT_GE(std::stod(rows[i][12]), gain) << "row " << i;
  }
  EXPECT_EQ(models.size(), 2u);
  EXPECT_EQ(intermediates, (std::set<std::string>{"none", "mnli", "sst2", "mnli+sst2"}));
  EXPECT_EQ(languages_per_target["xnli"], (std::set<std::string>{"de", "fr", "ru", "zh"}));
  EXPECT_EQ(languages_per_target["pawsx"], (std::set<std::string>{"de", "es", "fr"}));
  EXPECT_EQ(languages_per_target["panx"], (std::set<std::string>{"de", "fr", "zh"}));
  EXPECT_EQ(languages_per_target["tatoeba"], (std::set<std::string>{"de", "fr", "zh"}));
  // 2 models x 4 starting points x 4 targets cells; rows: (4 + 3 + 3 + 3) languages + 4 averages.
  EXPECT_EQ(averages, 2u * 4u * 4u);
  EXPECT_EQ(rows.size() - 1, 2u * 4u * (4 + 3 + 3 + 3 + 4));
}

}  // namespace
}  // namespace xstilts
