// The paper's pipeline (pipelines/xstilts.yaml): it loads, expands to the whole grid and plans
// every node without touching the network; its small variant (pipelines/xstilts-small.yaml) runs
// for real on the shared benchmark files and ends in a report with one row per score.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
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

const std::string kFullPipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts.yaml";
const std::string kSmallPipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small.yaml";

// The node count of pipelines/xstilts.yaml, by hand from its blocks
// (M = 2 models, S = 11 stages: pretrained + 9 intermediate tasks + mixture; M x S = 22):
//   models:        6 downloads + 1 files + 2 import_hf + 2 tokenizers                          = 11
//   intermediate:  11 downloads (the 9 tasks' data, SQuAD v1.1 dev, SNLI, SQuAD v2.0 train)
//                  + 2 ANLI execs (R1+R2+R3; ANLI+) + 9 datasets + 9x2 tokenize
//                  + 9x2 train + 2 mixtures                                                    = 60
//   XNLI:          1 download + 2 datasets + 3x2 tokenize + 22 train + 22 evaluate              = 53
//   PAWS-X:        1 download + 3 datasets + 3x2 tokenize + 22 + 22                             = 54
//   UD-POS:        1 download + 1 extraction + 4 datasets (train, dev, eval: 29 dev sets,
//                  eval_test: 4 test sets) + 4x2 tokenize + 22 + 22                             = 58
//   PAN-X:         3 datasets (local) + 3x2 tokenize + 22 + 22                                  = 53
//   SQuAD for QA:  2 datasets (v1.1 train, dev) + 2x2 tokenize (train, dev)                     =  6
//   XQuAD:         11 downloads + 1 dataset + 2 tokenize + 22 + 22                              = 58
//   MLQA:          1 download + 1 dataset + 2 tokenize + 22 + 22                                = 48
//   TyDiQA:        2 downloads + 2 datasets + 2 select_examples + 3x2 tokenize + 22 + 22        = 56
//   BUCC:          8 downloads + 1 extraction + 2x4 datasets + 2x2x4 tokenize + 22 retrieve     = 55
//   Tatoeba:       72 downloads + 36 datasets + 2x36 tokenize + 22 retrieve                     = 202
//   report:                                                                                     =  1
//   total: 11+60+53+54+58+53+6+58+48+56+55+202+1 = 715
// The same for every value of vars.anli_data and vars.squad_version (the pipeline format has no
// conditional nodes: the choice not taken leaves its nodes in the graph, read by nothing).
constexpr size_t kFullNodeCount = 715;

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
  EXPECT_EQ(by_type["evaluate"], 7 * 22);
  EXPECT_EQ(by_type["retrieve"], 2 * 22);
  EXPECT_EQ(by_type["report"], 1);
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

// On a fresh clone nobody has CCGbank or PAN-X: the dry run still plans all 715 nodes, saying what
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
  for (const std::string node : {"ccg_train", "panx_train", "panx_dev", "panx_eval"}) {
    EXPECT_NE(refused.err.find("error: node '" + node + "' ("), std::string::npos) << node << "\n" << refused.err;
  }
  EXPECT_FALSE(fs::exists(h.cache() / "entries") && !fs::is_empty(h.cache() / "entries"));
}

// The graph of pipelines/xstilts.yaml with `--set` overrides, and what feeds its nodes.
struct PaperGraph {
  nlohmann::json json;
  std::map<std::string, nlohmann::json> nodes;                        // by name
  std::map<std::string, std::multimap<std::string, std::string>> inputs;  // node -> (port, from)

  std::set<std::string> From(const std::string& node, const std::string& port) const {
    std::set<std::string> from;
    auto it = inputs.find(node);
    if (it == inputs.end()) return from;
    auto [begin, end] = it->second.equal_range(port);
    for (auto i = begin; i != end; ++i) from.insert(i->second);
    return from;
  }
  // Every node that `node` depends on, directly or not.
  std::set<std::string> Upstream(const std::string& node) const {
    std::set<std::string> seen;
    std::vector<std::string> todo = {node};
    while (!todo.empty()) {
      const std::string n = todo.back();
      todo.pop_back();
      auto it = inputs.find(n);
      if (it == inputs.end()) continue;
      for (const auto& port_and_from : it->second) {
        if (seen.insert(port_and_from.second).second) todo.push_back(port_and_from.second);
      }
    }
    return seen;
  }
  // The data downloads `node` depends on: those of the model files and tokenizers left out.
  std::set<std::string> UpstreamDownloads(const std::string& node) const {
    std::set<std::string> model_side;
    for (const std::string m : {"xlmr_pretrained", "xlmr_tokenizer", "roberta_pretrained", "roberta_tokenizer"}) {
      for (const std::string& n : Upstream(m)) model_side.insert(n);
    }
    std::set<std::string> downloads;
    for (const std::string& n : Upstream(node)) {
      if (nodes.at(n)["type"] == "download" && !model_side.count(n)) downloads.insert(n);
    }
    return downloads;
  }
};

PaperGraph LoadPaperGraph(const CliHarness& h, const std::vector<std::string>& overrides) {
  std::vector<std::string> args = {"graph", kFullPipeline, "--format", "json"};
  for (const std::string& o : overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  CliResult graph = h.Run(args);
  EXPECT_EQ(graph.exit_code, 0) << graph.err;
  PaperGraph g;
  g.json = nlohmann::json::parse(graph.out);
  for (const auto& node : g.json["nodes"]) g.nodes[node["name"].get<std::string>()] = node;
  for (const auto& edge : g.json["edges"]) {
    g.inputs[edge["to"].get<std::string>()].emplace(edge["to_port"].get<std::string>(), edge["from"].get<std::string>());
  }
  return g;
}

std::set<std::string> StringSet(const nlohmann::json& list) {
  std::set<std::string> out;
  for (const auto& item : list) out.insert(item.get<std::string>());
  return out;
}

// UD-POS is evaluated in all 33 languages of XTREME (scripts/download_data.sh): the dev sets of
// the 29 that have one in UD v2.5, the test sets of kk, th, tl and yo, which have none.
TEST(PaperPipeline, UdposEvaluatesXtremes33Languages) {
  CliHarness h("paper_udpos");
  const PaperGraph g = LoadPaperGraph(h, {});
  const std::set<std::string> dev_langs = {"af", "ar", "bg", "de", "el", "en", "es", "et", "eu", "fa",
                                           "fi", "fr", "he", "hi", "hu", "id", "it", "ja", "ko", "mr",
                                           "nl", "pt", "ru", "ta", "te", "tr", "ur", "vi", "zh"};
  const std::set<std::string> test_langs = {"kk", "th", "tl", "yo"};
  ASSERT_EQ(dev_langs.size(), 29u);
  const nlohmann::json& dev = g.nodes.at("udpos_eval");
  const nlohmann::json& test = g.nodes.at("udpos_eval_test");
  EXPECT_EQ(dev["params"]["path"], "dev-{lang}.conllu");
  EXPECT_EQ(StringSet(dev["params"]["languages"]), dev_langs);
  EXPECT_EQ(test["params"]["path"], "test-{lang}.conllu");
  EXPECT_EQ(StringSet(test["params"]["languages"]), test_langs);
  size_t evaluations = 0;
  for (const auto& entry : g.nodes) {
    const std::string& name = entry.first;
    if (name.rfind("eval_udpos_", 0) != 0) continue;
    ++evaluations;
    const std::string model = name.find("_xlmr_") != std::string::npos ? "xlmr" : "roberta";
    EXPECT_EQ(g.From(name, "examples"), (std::set<std::string>{"udpos_eval", "udpos_eval_test"})) << name;
    EXPECT_EQ(g.From(name, "tokens"),
              (std::set<std::string>{"udpos_eval_tokens_" + model, "udpos_eval_test_tokens_" + model}))
        << name;
    std::set<std::string> languages;
    for (const std::string& examples : g.From(name, "examples")) {
      for (const auto& lang : g.nodes.at(examples)["params"]["languages"]) languages.insert(lang.get<std::string>());
    }
    EXPECT_EQ(languages.size(), 33u) << name;
  }
  EXPECT_EQ(evaluations, 22u);
}

// vars.anli_data and vars.squad_version change what the intermediate ANLI and SQuAD tasks train
// on, and nothing else: every setting is a valid graph of the same size, and XQuAD and MLQA
// train on SQuAD v1.1 whatever the intermediate SQuAD is.
TEST(PaperPipeline, IntermediateDataVariablesChooseTheTrainingInputs) {
  CliHarness h("paper_variables");
  struct Case {
    std::vector<std::string> overrides;
    std::string anli_file;                  // the files input of anli_train
    std::set<std::string> anli_downloads;   // the downloads xlmr_anli trains on
    std::string squad_download;             // the files input of squad_train
    std::string squad_path;
  };
  const std::set<std::string> anli_plus = {"anli_download", "snli_download", "mnli_download"};
  const std::vector<Case> cases = {
      {{}, "anli_plus_train_file", anli_plus, "squad_v1.1_train_download", "train-v1.1.json"},
      {{"vars.anli_data=anli_plus", "vars.squad_version=1.1"}, "anli_plus_train_file", anli_plus,
       "squad_v1.1_train_download", "train-v1.1.json"},
      {{"vars.anli_data=anli"}, "anli_train_file", {"anli_download"}, "squad_v1.1_train_download", "train-v1.1.json"},
      {{"vars.squad_version=2.0"}, "anli_plus_train_file", anli_plus, "squad_v2.0_train_download", "train-v2.0.json"},
      {{"vars.anli_data=anli", "vars.squad_version=2.0"}, "anli_train_file", {"anli_download"},
       "squad_v2.0_train_download", "train-v2.0.json"},
  };
  for (const Case& c : cases) {
    std::string label;
    for (const std::string& o : c.overrides) label += o + " ";
    SCOPED_TRACE("--set " + label);
    const PaperGraph g = LoadPaperGraph(h, c.overrides);
    EXPECT_EQ(g.json["nodes"].size(), kFullNodeCount);
    EXPECT_EQ(g.From("anli_train", "files"), std::set<std::string>{c.anli_file});
    EXPECT_EQ(g.nodes.at("anli_train")["params"]["format"], "anli");
    for (const std::string model : {"xlmr", "roberta"}) {
      EXPECT_EQ(g.From(model + "_anli", "train"), std::set<std::string>{"inter_tokens_anli_" + model});
      EXPECT_EQ(g.UpstreamDownloads(model + "_anli"), c.anli_downloads) << model;
      EXPECT_EQ(g.UpstreamDownloads(model + "_squad"), std::set<std::string>{c.squad_download}) << model;
      // The target tasks' SQuAD does not follow vars.squad_version.
      for (const std::string target : {"xquad", "mlqa"}) {
        EXPECT_EQ(g.From(target + "_" + model + "_pretrained", "train"), std::set<std::string>{"qa_train_tokens_" + model});
      }
      EXPECT_EQ(g.UpstreamDownloads("qa_train_tokens_" + model), std::set<std::string>{"squad_v1.1_train_download"});
      EXPECT_EQ(g.UpstreamDownloads("qa_dev_tokens_" + model), std::set<std::string>{"squad_v1.1_dev_download"});
    }
    EXPECT_EQ(g.From("squad_train", "files"), std::set<std::string>{c.squad_download});
    EXPECT_EQ(g.nodes.at("squad_train")["params"]["path"], c.squad_path);
    // The mixture trains on the same ANLI and SQuAD data as the single-task stages.
    EXPECT_EQ(g.UpstreamDownloads("xlmr_mixture").count("snli_download"), c.anli_downloads.count("snli_download"));
    EXPECT_EQ(g.UpstreamDownloads("xlmr_mixture").count(c.squad_download), 1u);
  }
  // A value that names no data set is an error, not a silent default.
  for (const std::string bad : {"vars.anli_data=snli", "vars.squad_version=2"}) {
    CliResult graph = h.Run({"graph", kFullPipeline, "--format", "json", "--set", bad});
    EXPECT_EQ(graph.exit_code, 2) << bad;
    EXPECT_NE(graph.err.find("error: no node named"), std::string::npos) << graph.err;
  }
}

std::vector<std::vector<std::string>> ReadCsv(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

// Every file named `name` under `root`.
std::vector<fs::path> FindFiles(const fs::path& root, const std::string& name) {
  std::vector<fs::path> found;
  if (!fs::exists(root)) return found;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == name) found.push_back(entry.path());
  }
  return found;
}

TEST(PaperPipeline, SmallVariantRunsTheGridIntoTheReport) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_file, "xnli/xtreme/dev-de.tsv");
  const fs::path data = testing::SharedDataDir();
  CliHarness h("paper_small");
  CliResult run = h.Run({"run", kSmallPipeline, "--json", "--set", "vars.data=" + data.string()});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  std::map<std::string, std::string> statuses = run.Statuses();
  // 10 model nodes + 12 intermediate + 3 targets x (3 datasets + 6 tokenize + 8 train + 8 evaluate)
  // + Tatoeba (3 datasets + 6 tokenize + 8 retrieve) + the report = 115.
  ASSERT_EQ(statuses.size(), 115u);
  for (const auto& [name, status] : statuses) EXPECT_EQ(status, "ran") << name;

  // The evaluation wrote one metrics row per evaluated language.
  std::vector<fs::path> metrics = FindFiles(h.cache() / "runs", "eval_xnli_multi_mnli.json");
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
                                               "score", "baseline", "gain", "intermediate_pflops",
                                               "intermediate_cpu_hours", "intermediate_gpu_hours"}));
  std::map<std::string, std::set<std::string>> languages_per_target;
  std::set<std::string> models, intermediates;
  size_t averages = 0;
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 12u) << i;
    models.insert(rows[i][0]);
    intermediates.insert(rows[i][2]);
    if (rows[i][5] == "avg") {
      ++averages;
    } else {
      languages_per_target[rows[i][3]].insert(rows[i][5]);
    }
    EXPECT_FALSE(rows[i][6].empty()) << "no score in row " << i;
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
