// How pipelines/xstilts.yaml is wired, read from its graph: UD-POS in XTREME's 33 languages, the
// test-set submission's inputs, and the variables that choose the intermediate-task data.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"
#include "tests/integration/paper_graph.h"

namespace xstilts {
namespace {

using testing::CliHarness;
using testing::CliResult;
using testing::kFullNodeCount;
using testing::kFullPipeline;
using testing::LoadPaperGraph;
using testing::PaperGraph;
using testing::StringSet;

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

// The XTREME test-set submission, XLM-R's chains only: the test predictions of every target task
// and stage (7 x 11) and, for each, the dev metrics of the same model and task, which the
// `submission` node matches them by (the `model` input of each evaluate node). No dev score is
// taken on a set that a test input reads.
const std::vector<std::string> kTargetTasks = {"xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa"};
const std::vector<std::string> kStages = {"pretrained", "squad", "mnli", "hellaswag", "anli", "commonsenseqa",
                                          "cosmosqa",   "qqp",   "sst2", "ccg",       "mixture"};

// The submission node's inputs: port -> (node, its output port).
std::map<std::string, std::vector<std::pair<std::string, std::string>>> SubmissionInputs(const PaperGraph& g) {
  std::map<std::string, std::vector<std::pair<std::string, std::string>>> in;
  for (const auto& edge : g.json["edges"]) {
    if (edge["to"] != "submission") continue;
    in[edge["to_port"].get<std::string>()].emplace_back(edge["from"].get<std::string>(),
                                                        edge["from_port"].get<std::string>());
  }
  return in;
}

TEST(PaperPipeline, SubmissionTakesEveryStagesTestPredictionsWithTheirDevScores) {
  CliHarness h("paper_submission");
  const PaperGraph g = LoadPaperGraph(h, {});
  ASSERT_EQ(g.nodes.count("submission"), 1u);
  EXPECT_EQ(g.nodes.at("submission")["type"], "submission");
  auto in = SubmissionInputs(g);
  EXPECT_EQ(in.size(), 2u);
  const std::vector<std::string>& tasks = kTargetTasks;
  const std::vector<std::string>& stages = kStages;
  std::set<std::pair<std::string, std::string>> expected;  // (task, model)
  for (const std::string& task : tasks) {
    for (const std::string& stage : stages) expected.insert({task, task + "_xlmr_" + stage});
  }
  ASSERT_EQ(expected.size(), 77u);

  // What each input evaluated, (task, model), and the tokens it read.
  struct Side {
    std::set<std::pair<std::string, std::string>> evaluated;
    std::set<std::string> tokens;
  };
  auto read_side = [&](const std::string& port, const std::string& output) {
    Side side;
    for (const auto& [node, from_port] : in[port]) {
      EXPECT_EQ(g.nodes.at(node)["type"], "evaluate") << port << ": " << node;
      EXPECT_EQ(from_port, output) << port << ": " << node;
      const std::set<std::string> model = g.From(node, "model");
      EXPECT_EQ(model.size(), 1u) << node;
      if (model.empty()) continue;
      const std::string task = g.nodes.at(node)["params"]["task"].get<std::string>();
      EXPECT_TRUE(side.evaluated.insert({task, *model.begin()}).second)
          << port << ": a second input for " << task << " " << *model.begin() << " (" << node << ")";
      for (const std::string& t : g.From(node, "tokens")) side.tokens.insert(t);
    }
    return side;
  };
  const Side test = read_side("test", "predictions");
  const Side dev = read_side("dev", "metrics");
  EXPECT_EQ(in["test"].size(), 77u);
  EXPECT_EQ(in["dev"].size(), 77u);
  EXPECT_EQ(test.evaluated, expected);
  for (const auto& task_and_model : test.evaluated) {
    EXPECT_EQ(dev.evaluated.count(task_and_model), 1u)
        << "no dev metrics of " << task_and_model.second << " for " << task_and_model.first;
  }
  EXPECT_EQ(dev.evaluated, expected);
  // Every candidate is an XLM-R chain: the target model trained from xlmr_<stage>.
  for (const std::string& task : tasks) {
    for (const std::string& stage : stages) {
      EXPECT_EQ(g.From(task + "_xlmr_" + stage, "model"), std::set<std::string>{"xlmr_" + stage});
    }
  }
  // The choice never reads a set the submission's predictions come from.
  for (const std::string& tokens : dev.tokens) EXPECT_EQ(test.tokens.count(tokens), 0u) << tokens;
}

// Where the submission's test predictions come from: XTREME's test split of each task, and how
// the tasks without a separate dev set (XQuAD, TyDiQA-GoldP) make their choice.
TEST(PaperPipeline, SubmissionReadsEachTasksTestSplit) {
  CliHarness h("paper_submission_splits");
  const PaperGraph g = LoadPaperGraph(h, {});
  auto in = SubmissionInputs(g);
  const std::vector<std::string>& tasks = kTargetTasks;
  const std::vector<std::string>& stages = kStages;
  // The test files: XTREME's test split of each task, in the evaluation's languages.
  EXPECT_EQ(g.nodes.at("xnli_test")["params"]["path"], "XNLI-1.0/xnli.test.tsv");
  EXPECT_EQ(g.nodes.at("pawsx_test")["params"]["path"], "x-final/{lang}/test_2k.tsv");
  EXPECT_EQ(g.nodes.at("mlqa_test")["params"]["path"], "MLQA_V1/test/test-context-{lang}-question-{lang}.json");
  EXPECT_EQ(g.nodes.at("panx_test")["params"]["path"], "/data/panx/{lang}/test");
  for (const std::string task : {"xnli", "pawsx", "panx", "mlqa"}) {
    EXPECT_EQ(StringSet(g.nodes.at(task + "_test")["params"]["languages"]),
              StringSet(g.nodes.at(task + "_eval")["params"]["languages"]))
        << task;
  }
  std::set<std::string> udpos_languages;
  for (const std::string& examples : g.From("test_udpos_xlmr_mnli", "examples")) {
    EXPECT_EQ(g.nodes.at(examples)["params"]["path"], "test-{lang}.conllu") << examples;
    for (const auto& lang : g.nodes.at(examples)["params"]["languages"]) udpos_languages.insert(lang.get<std::string>());
  }
  EXPECT_EQ(udpos_languages.size(), 33u);
  // XQuAD's only set and TyDiQA-GoldP's dev set are XTREME's test sets: the evaluation's own
  // predictions are submitted, and the choice is made elsewhere: the XQuAD models on MLQA's dev
  // set, the TyDiQA models on the GoldP training questions in the languages they were not
  // trained on. UD-POS chooses on its 29 dev sets (its evaluation also holds 4 test sets).
  for (const std::string& stage : stages) {
    for (const std::string task : {"xquad", "tydiqa"}) {
      EXPECT_EQ(std::count(in["test"].begin(), in["test"].end(),
                           std::make_pair("eval_" + task + "_xlmr_" + stage, std::string("predictions"))),
                1)
          << task << " " << stage;
    }
    EXPECT_EQ(g.From("dev_xquad_xlmr_" + stage, "tokens"), std::set<std::string>{"mlqa_eval_tokens_xlmr"});
    EXPECT_EQ(g.From("dev_xquad_xlmr_" + stage, "examples"), std::set<std::string>{"mlqa_eval"});
    EXPECT_EQ(g.From("dev_tydiqa_xlmr_" + stage, "examples"), std::set<std::string>{"tydiqa_heldout"});
    EXPECT_EQ(g.From("dev_udpos_xlmr_" + stage, "examples"), std::set<std::string>{"udpos_eval"});
  }
  EXPECT_EQ(g.nodes.at("mlqa_eval")["params"]["path"], "MLQA_V1/dev/dev-context-{lang}-question-{lang}.json");
  EXPECT_EQ(g.From("tydiqa_heldout", "examples"), std::set<std::string>{"tydiqa_train_all"});
  EXPECT_EQ(StringSet(g.nodes.at("tydiqa_heldout")["params"]["exclude_languages"]), std::set<std::string>{"en"});
  EXPECT_EQ(g.From("tydiqa_train", "examples"), std::set<std::string>{"tydiqa_train_all"});
  EXPECT_EQ(StringSet(g.nodes.at("tydiqa_train")["params"]["languages"]), std::set<std::string>{"en"});
  // Test and dev sets are tokenized as the evaluation's: same max_length, doc_stride, ...
  for (const std::string& task : tasks) {
    const std::set<std::string> reference = g.From("eval_" + task + "_xlmr_pretrained", "tokens");
    ASSERT_FALSE(reference.empty()) << task;
    const nlohmann::json& params = g.nodes.at(*reference.begin())["params"];
    for (const std::string prefix : {"test_", "dev_", "eval_"}) {
      const std::string node = prefix + task + "_xlmr_pretrained";
      if (!g.nodes.count(node)) continue;
      for (const std::string& tokens : g.From(node, "tokens")) {
        EXPECT_EQ(g.nodes.at(tokens)["params"], params) << node << ": " << tokens;
      }
    }
  }
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

}  // namespace
}  // namespace xstilts
