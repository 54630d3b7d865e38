// The submission node end to end: two candidate models, evaluated on labelled dev sets and on
// unlabelled test sets in XTREME's two-column test layout (evaluate writes predictions only), and
// the submission taking the test predictions of the one that scored best on dev.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/h5_file.h"
#include "tests/integration/cli_harness.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

// Rows [first, first + n) of an XTREME XNLI file without their label column: a test file.
std::string Unlabelled(const fs::path& labelled, int first, int n) {
  std::ifstream in(labelled);
  std::string out, line;
  for (int i = 0; std::getline(in, line) && i < first + n; ++i) {
    if (i < first) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    out += line.substr(0, line.rfind('\t')) + "\n";
  }
  return out;
}

double DevAverage(const fs::path& metrics) {
  H5File f(metrics, H5File::Mode::kReadOnly);
  const std::vector<std::string> languages = f.ReadStrings("/languages");
  const std::vector<double> accuracy = f.ReadVector<double>("/accuracy");
  return accuracy.at(languages.size() - 1);
}

// A candidate model, trained on `train`, evaluated on the dev and the test sets.
std::string Candidate(const std::string& name, const std::string& train, int steps) {
  return "  cls_" + name + ":\n"
         "    type: train\n"
         "    inputs: {model: init, train: " + train + "}\n"
         "    params: {steps: " + std::to_string(steps) + ", batch_size: 16, lr: 1.0e-3, device: cpu, seed: 3}\n"
         "    resources: {threads: 1}\n"
         "  dev_" + name + ":\n"
         "    type: evaluate\n"
         "    inputs: {model: cls_" + name + ", tokens: tok_dev}\n"
         "    params: {device: cpu}\n"
         "  test_" + name + ":\n"
         "    type: evaluate\n"
         "    inputs: {model: cls_" + name + ", tokens: tok_test}\n"
         "    params: {device: cpu}\n";
}

TEST(SubmissionNode, TakesTheTestPredictionsOfTheBestModelOnDev) {
  XSTILTS_SHARED_DATA_OR_SKIP(en, "xnli/xtreme/dev-en.tsv");
  CliHarness h("submission_node");
  for (const char* language : {"de", "fr"}) {
    h.Write(std::string("test/test-") + language + ".tsv",
            Unlabelled(en.parent_path() / (std::string("dev-") + language + ".tsv"), 200, 40));
  }
  std::string tok;
  for (const char* set : {"en", "dev", "test"}) {
    tok += std::string("  tok_") + set + ":\n    type: tokenize\n    inputs: {examples: " + set +
           ", tokenizer: spm}\n    params: {max_length: 128}\n";
  }
  h.Write("p.yaml",
          "nodes:\n"
          "  en: {type: dataset, params: {format: xnli, path: " + en.string() + ", limit: 200}}\n"
          "  dev: {type: dataset, params: {format: xnli, path: '" + (en.parent_path() / "dev-{lang}.tsv").string() +
          "', languages: [de, fr], limit: 60}}\n"
          "  test: {type: dataset, params: {format: xnli, path: 'test/test-{lang}.tsv', languages: [de, fr]}}\n"
          "  spm:\n"
          "    type: train_tokenizer\n"
          "    inputs: {corpus: [en, dev]}\n"
          "    params: {model_type: bpe, vocab_size: 1000}\n" + tok +
          "  init:\n"
          "    type: init_model\n"
          "    inputs: {tokenizer: spm}\n"
          "    params: {layers: 2, hidden: 32, heads: 2, ffn: 64, max_positions: 130, seed: 1}\n" +
          // "long" learns its dev set by heart, "short" barely moves: their dev scores differ.
          Candidate("short", "tok_en", 2) + Candidate("long", "tok_dev", 150) +
          "  submission:\n"
          "    type: submission\n"
          "    inputs: {dev: [dev_short, dev_long], test: [test_short, test_long]}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  // Test sets without gold: predictions only, no metrics rows (the average is NaN).
  EXPECT_NE(r.err.find("language de: no gold labels, predictions only"), std::string::npos) << r.err;
  H5File test_metrics(h.ArtifactOf(r, "test_long", "metrics"), H5File::Mode::kReadOnly);
  EXPECT_EQ(test_metrics.ReadStrings("/languages"), std::vector<std::string>{"avg"});
  EXPECT_TRUE(std::isnan(test_metrics.ReadVector<double>("/accuracy").at(0)));

  const double short_dev = DevAverage(h.ArtifactOf(r, "dev_short", "metrics"));
  const double long_dev = DevAverage(h.ArtifactOf(r, "dev_long", "metrics"));
  ASSERT_NE(short_dev, long_dev) << "the two candidates must differ for the choice to mean something";
  const std::string best = long_dev > short_dev ? "long" : "short";

  ASSERT_EQ(h.Run({"export", "p.yaml", "submission", "out"}).exit_code, 0);
  const nlohmann::json selection = nlohmann::json::parse(h.Read("out/selection.json"));
  EXPECT_EQ(selection["xnli"]["model"], "cls_" + best);
  EXPECT_EQ(selection["xnli"]["started_from"], "init");
  EXPECT_EQ(selection["xnli"]["metric"], "accuracy");
  EXPECT_DOUBLE_EQ(selection["xnli"]["candidates"]["cls_short"].get<double>(), short_dev);
  EXPECT_DOUBLE_EQ(selection["xnli"]["candidates"]["cls_long"].get<double>(), long_dev);

  // The files are the chosen model's test predictions, line by line in the test files' order.
  H5File predictions(h.ArtifactOf(r, "test_" + best, "predictions"), H5File::Mode::kReadOnly);
  const std::vector<std::string> language = predictions.ReadStrings("/language");
  const std::vector<std::string> predicted = predictions.ReadStrings("/prediction");
  const std::vector<std::string> ids = predictions.ReadStrings("/example_id");
  for (const char* lang : {"de", "fr"}) {
    std::string expected;
    std::vector<std::string> lang_ids;
    for (size_t i = 0; i < predicted.size(); ++i) {
      if (language[i] != lang) continue;
      expected += predicted[i] + "\n";
      lang_ids.push_back(ids[i]);
    }
    EXPECT_EQ(h.Read(std::string("out/xnli/test-") + lang + ".tsv"), expected) << lang;
    ASSERT_EQ(lang_ids.size(), 40u);
    for (size_t i = 1; i < lang_ids.size(); ++i) EXPECT_LT(std::stoi(lang_ids[i - 1]), std::stoi(lang_ids[i])) << lang;
  }

  // A test input whose model has no dev metrics: the node fails saying so.
  std::string text = h.Read("p.yaml");
  text.replace(text.find("dev: [dev_short, dev_long]"), 26, "dev: [dev_long]");
  h.Write("p.yaml", text);
  CliResult unmatched = h.Run({"run", "p.yaml"});
  EXPECT_EQ(unmatched.exit_code, 1);
  EXPECT_NE(unmatched.err.find("the test predictions of test_short (model cls_short, task xnli) have no dev metrics"),
            std::string::npos)
      << unmatched.err;
}

// Rows [first, first + n) of an XTREME tab-separated file of one example a line, split into the
// test file (the label column left out) and the gold file of `xstilts score` (the labels alone).
void SplitTestRows(const fs::path& labelled, int first, int n, std::string& test, std::string& gold) {
  std::ifstream in(labelled);
  std::string line;
  for (int i = 0; std::getline(in, line) && i < first + n; ++i) {
    if (i < first) continue;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    test += line.substr(0, line.rfind('\t')) + "\n";
    gold += line.substr(line.rfind('\t') + 1) + "\n";
  }
}

// The same for PAN-X's token<TAB>tag sentences: sentences [first, first + n), tokens and tags.
void SplitTestSentences(const fs::path& labelled, int first, int n, std::string& test, std::string& gold) {
  std::ifstream in(labelled);
  std::string line;
  int sentence = 0;
  bool in_sentence = false;
  while (std::getline(in, line) && sentence < first + n) {
    if (line.empty()) {
      if (in_sentence && sentence++ >= first) {
        test += "\n";
        gold += "\n";
      }
      in_sentence = false;
      continue;
    }
    in_sentence = true;
    if (sentence < first) continue;
    test += line.substr(0, line.find('\t')) + "\n";
    gold += line.substr(line.find('\t') + 1) + "\n";
  }
}

// pipelines/xstilts-small-submission.yaml: the small grid's submission variant, on XTREME-layout
// test files made here from dev rows the grid does not evaluate on (the shared files have no test
// sets), then exported as a leaderboard entry is.
TEST(SubmissionNode, TheSmallGridsSubmissionVariantWritesTheBestStagesTestPredictions) {
  XSTILTS_SHARED_DATA_OR_SKIP(data_marker, "xnli/xtreme/dev-de.tsv");
  const fs::path data = testing::SharedDataDir();
  CliHarness h("submission_small_grid");
  const std::map<std::string, std::vector<std::string>> languages = {
      {"xnli", {"de", "fr", "ru", "zh"}}, {"pawsx", {"de", "es", "fr"}}, {"panx", {"de", "fr", "zh"}}};
  for (const auto& [task, langs] : languages) {
    for (const std::string& lang : langs) {
      std::string test, gold;
      const fs::path dev = data / task / "xtreme" / ("dev-" + lang + ".tsv");
      // The grid evaluates on the first 100 rows (vars.eval_limit): the next 30 stand in.
      task == "panx" ? SplitTestSentences(dev, 100, 30, test, gold) : SplitTestRows(dev, 100, 30, test, gold);
      h.Write("test/" + task + "/test-" + lang + ".tsv", test);
      h.Write("gold/" + task + "/test-" + lang + ".tsv", gold);
    }
  }
  const std::string pipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small-submission.yaml";
  const std::vector<std::string> sets = {"--set", "vars.data=" + data.string(), "--set",
                                         "vars.test_dir=" + (h.dir() / "test").string()};
  std::vector<std::string> run = {"run", pipeline, "--only", "submission", "--json"};
  run.insert(run.end(), sets.begin(), sets.end());
  const CliResult r = h.Run(run);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::vector<std::string> exported = {"export", pipeline, "submission", "out"};
  exported.insert(exported.end(), sets.begin(), sets.end());
  ASSERT_EQ(h.Run(exported).exit_code, 0);

  // Each task took the stage whose dev average was highest, among the baseline and the 3 stages.
  const nlohmann::json selection = nlohmann::json::parse(h.Read("out/selection.json"));
  for (const auto& [task, langs] : languages) {
    SCOPED_TRACE(task);
    const nlohmann::json& candidates = selection.at(task).at("candidates");
    ASSERT_EQ(candidates.size(), 4u) << selection.dump();
    double best = -1;
    for (const auto& [model, dev] : candidates.items()) best = std::max(best, dev.get<double>());
    const std::string chosen = selection[task]["model"];
    EXPECT_EQ(candidates.at(chosen).get<double>(), best) << selection.dump();
    EXPECT_EQ(selection[task]["dev_score"].get<double>(), best);
    // Its test predictions, in XTREME's layout: a line per example (PAN-X: a tag per token and a
    // blank line after each sentence), in the order of the test file.
    for (const std::string& lang : langs) {
      const std::string test = h.Read("test/" + task + "/test-" + lang + ".tsv");
      const std::string submitted = h.Read("out/" + task + "/test-" + lang + ".tsv");
      std::vector<size_t> shape, expected;  // line lengths 0 / non-0
      for (const std::string* text : {&test, &submitted}) {
        std::vector<size_t>& out = text == &test ? expected : shape;
        std::istringstream lines(*text);
        for (std::string line; std::getline(lines, line);) out.push_back(line.empty() ? 0 : 1);
      }
      EXPECT_EQ(shape, expected) << task << " " << lang;
      EXPECT_EQ(std::count(shape.begin(), shape.end(), 0) == 0, task != "panx") << task << " " << lang;
    }
  }
}

}  // namespace
}  // namespace xstilts
