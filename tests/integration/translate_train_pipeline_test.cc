// The translate-train variants (docs/paper-pipeline.md, "Translate-train intermediate tasks"):
// pipelines/xstilts-translate-train.yaml expands to the paper's grid plus two intermediate stages
// trained on XTREME's machine translations and plans without network, keeping the base's cache
// keys; pipelines/xstilts-small-translate-train.yaml runs for real on translate-train files
// written here in XTREME's layout, from the shared XNLI dev files.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/examples_artifact.h"
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
using testing::kFullNodeCount;
using testing::LoadPaperGraph;
using testing::PaperGraph;

const std::string kTranslatePipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-translate-train.yaml";
const std::string kSmallTranslatePipeline =
    std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts-small-translate-train.yaml";

// pipelines/xstilts-translate-train.yaml: the nodes of xstilts.yaml (testing::kFullNodeCount), and
// 2 stages more (S = 13, M x S = 26):
//   translations:  14 XNLI + 10 SQuAD translate-train downloads + 2 datasets
//                  + 2 select_examples (English joined with its translations)                 = 28
//   intermediate:  2x2 tokenize + 2x2 train                                                    =  8
//   targets:       2 models x 2 stages x (7 train + 7 evaluate + 2 retrieve)                  = 64
//   submission:    XLM-R x 2 stages x (5 test evaluate + 3 dev evaluate)                       = 16
constexpr size_t kTranslateNodeCount = kFullNodeCount + 28 + 8 + 64 + 16;

// The translate-train variant: the base's nodes as they are, and the two translated stages
// trained on English joined with XTREME's translations, then on every target like the others.
TEST(TranslateTrainPipeline, AddsTwoStagesOnXtremesTranslationsAndKeepsTheBaseKeys) {
  CliHarness h("paper_translate_train");
  const PaperGraph base = LoadPaperGraph(h, {});
  const PaperGraph g = LoadPaperGraph(h, {}, kTranslatePipeline);
  ASSERT_EQ(g.json["nodes"].size(), kTranslateNodeCount);
  for (const auto& [name, node] : base.nodes) {
    ASSERT_TRUE(g.nodes.count(name)) << name;
    EXPECT_EQ(g.nodes.at(name)["params"], node["params"]) << name;
  }
  std::map<std::string, int> by_type, base_by_type;
  for (const auto& node : g.json["nodes"]) ++by_type[node["type"].get<std::string>()];
  for (const auto& node : base.json["nodes"]) ++base_by_type[node["type"].get<std::string>()];
  // 2 intermediate trainings per stage; 7 target trainings per (model, stage), 7 evaluations and,
  // for XLM-R, 8 more for the submission (5 test sets, 3 dev scores); 2 retrievals.
  EXPECT_EQ(by_type["train"] - base_by_type["train"], 2 * 2 + 7 * 4);
  EXPECT_EQ(by_type["evaluate"] - base_by_type["evaluate"], 7 * 4 + 8 * 2);
  EXPECT_EQ(by_type["retrieve"] - base_by_type["retrieve"], 2 * 4);
  EXPECT_EQ(by_type["download"] - base_by_type["download"], 14 + 10);
  std::set<std::string> checksums;
  for (const auto& node : g.json["nodes"]) {
    if (node["type"] == "download") checksums.insert(node["params"]["sha256"].get<std::string>());
  }
  EXPECT_EQ(checksums.size(), static_cast<size_t>(by_type["download"])) << "two downloads share a checksum";

  const std::vector<std::string> xnli_langs = {"ar", "bg", "de", "el", "es", "fr", "hi", "ru", "sw", "th", "tr", "ur", "vi", "zh"};
  const std::vector<std::string> xquad_langs = {"ar", "de", "el", "es", "hi", "ru", "th", "tr", "vi", "zh"};
  std::set<std::string> mnli_downloads = {"mnli_download"}, squad_downloads = {"squad_v1.1_train_download"};
  for (const std::string& l : xnli_langs) {
    mnli_downloads.insert("xnli_translate_" + l + "_download");
    EXPECT_EQ(g.nodes.at("xnli_translate_" + l + "_download")["params"]["urls"][0],
              "https://storage.googleapis.com/xtreme_translations/XNLI/translate-train/en-" + l + "-translated.tsv");
  }
  for (const std::string& l : xquad_langs) {
    squad_downloads.insert("squad_translate_" + l + "_download");
    EXPECT_EQ(g.nodes.at("squad_translate_" + l + "_download")["params"]["urls"][0],
              "https://storage.googleapis.com/xtreme_translations/SQuAD/translate-train/squad.translate.train.en-" + l +
                  ".json");
  }
  EXPECT_EQ(g.nodes.at("squad_translations")["params"]["options"]["verify_answers"], "drop");
  // SQuAD v1.1 is what XTREME translated: the English half stays v1.1 with squad_version 2.0.
  const PaperGraph v2 = LoadPaperGraph(h, {"vars.squad_version=2.0"}, kTranslatePipeline);
  for (const std::string model : {"xlmr", "roberta"}) {
    for (const PaperGraph* graph : {&g, &v2}) {
      EXPECT_EQ(graph->From(model + "_mnli_translated", "train"),
                std::set<std::string>{"inter_tokens_mnli_translated_" + model});
      EXPECT_EQ(graph->From(model + "_mnli_translated", "model"), std::set<std::string>{model + "_pretrained"});
      EXPECT_EQ(graph->UpstreamDownloads(model + "_mnli_translated"), mnli_downloads) << model;
      EXPECT_EQ(graph->UpstreamDownloads(model + "_squad_translated"), squad_downloads) << model;
      EXPECT_EQ(graph->nodes.at(model + "_squad_translated")["params"]["tasks"],
                nlohmann::json::array({"squad_translated"}));
      // Trained as the English stages are, on every target.
      EXPECT_EQ(graph->nodes.at(model + "_squad_translated")["params"]["epochs"],
                graph->nodes.at(model + "_squad")["params"]["epochs"]);
      for (const std::string target : {"xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa"}) {
        EXPECT_EQ(graph->From(target + "_" + model + "_mnli_translated", "model"),
                  std::set<std::string>{model + "_mnli_translated"});
        EXPECT_TRUE(graph->nodes.count("eval_" + target + "_" + model + "_squad_translated")) << target;
      }
    }
  }
  const std::set<std::string> reported = g.UpstreamDownloads("report");
  for (const std::set<std::string>* set : {&mnli_downloads, &squad_downloads}) {
    for (const std::string& d : *set) EXPECT_TRUE(reported.count(d)) << d;
  }

  // The dry run plans all of it without network or the local-only data; the base's nodes keep
  // their cache keys ("" for those waiting for the missing CCG and PAN-X files, in both).
  const auto dry_run = [&](const std::string& pipeline) {
    CliResult r = h.Run({"run", pipeline, "--dry-run", "--json", "--set", "vars.ccg_dir=/nowhere/ccg", "--set",
                         "vars.panx_dir=/nowhere/panx"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    const nlohmann::json plan = r.Json();
    std::map<std::string, std::string> keys;
    for (const auto& node : plan["nodes"]) {
      EXPECT_EQ(node["status"], "would_run") << node["name"];
      keys[node["name"].get<std::string>()] = node["key"].get<std::string>();
    }
    return keys;
  };
  const std::map<std::string, std::string> base_keys = dry_run(testing::kFullPipeline);
  const std::map<std::string, std::string> keys = dry_run(kTranslatePipeline);
  ASSERT_EQ(keys.size(), kTranslateNodeCount);
  size_t keyed = 0;
  for (const auto& [name, key] : base_keys) {
    EXPECT_EQ(keys.at(name), key) << name;
    keyed += key.size() == 64;
  }
  EXPECT_GT(keyed, base_keys.size() / 2);
  EXPECT_EQ(keys.at("xlmr_mnli_translated").size(), 64u);
}

// The first `rows` lines of a shared XTREME XNLI dev file, without their line ends.
std::vector<std::string> DevLines(const std::string& lang, size_t rows) {
  std::ifstream in(testing::SharedDataDir() / "xnli/xtreme" / ("dev-" + lang + ".tsv"), std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; lines.size() < rows && std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> Fields(const std::string& line) {
  std::vector<std::string> fields;
  for (size_t start = 0;;) {
    const size_t tab = line.find('\t', start);
    fields.push_back(line.substr(start, tab - start));
    if (tab == std::string::npos) return fields;
    start = tab + 1;
  }
}

// The small grid with the translated stage, end to end: translate-train files in XTREME's layout
// (no header; English premise, English hypothesis, translated premise, translated hypothesis,
// label with "contradictory"), made of XNLI's parallel dev rows (English, and German / French as
// the "translations"), joined with the English MNLI file, trained on, then the target tasks,
// their evaluation and the report. One model, three stages and one seed, so that it stays short.
TEST(TranslateTrainPipeline, SmallVariantTrainsOnTranslationsIntoTheReport) {
  XSTILTS_SKIP_WITHOUT_TORCH_MODULE();
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_file, "xnli/xtreme/dev-de.tsv");
  constexpr size_t kRows = 24;
  CliHarness h("paper_small_translate");
  const std::vector<std::string> english = DevLines("en", kRows);
  ASSERT_EQ(english.size(), kRows);
  for (const std::string lang : {"de", "fr"}) {
    const std::vector<std::string> translated = DevLines(lang, kRows);
    ASSERT_EQ(translated.size(), kRows);
    std::string file;
    for (size_t i = 0; i < kRows; ++i) {
      const std::vector<std::string> en = Fields(english[i]), xx = Fields(translated[i]);
      ASSERT_EQ(en.size(), 3u);
      ASSERT_EQ(xx[2], en[2]) << "the dev files are parallel";
      file += en[0] + "\t" + en[1] + "\t" + xx[0] + "\t" + xx[1] + "\t" +
              (en[2] == "contradiction" ? "contradictory" : en[2]) + "\n";
    }
    h.Write("translations/en-" + lang + "-translated.tsv", file);
  }
  CliResult run = h.Run({"run", kSmallTranslatePipeline, "--json", "--only", "report",
                         "--set", "vars.data=" + testing::SharedDataDir().string(),
                         "--set", "vars.translations=" + (h.dir() / "translations").string(),
                         "--set", "vars.models=[multi]", "--set", "vars.stages=[mnli, mnli_translated]",
                         "--set", "vars.seeds=[1]",
                         "--set", "report.params.monolingual=[]"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  const std::map<std::string, std::string> statuses = run.Statuses();
  for (const auto& [name, status] : statuses) EXPECT_EQ(status, "ran") << name;
  EXPECT_EQ(statuses.count("multi_mnli_translated_s1"), 1u);
  EXPECT_EQ(statuses.count("multi_sst2_s1"), 0u);  // --only report: the stages not asked for stay out

  // MNLI's 3 English pairs, then the 2 x 24 translated ones, under one label set.
  const Examples joined = ReadExamples(h.ArtifactOf(run, "mnli_translated_train", "examples"));
  ASSERT_EQ(joined.examples.size(), 3 + 2 * kRows);
  EXPECT_EQ(joined.Languages(), (std::vector<std::string>{"de", "en", "fr"}));
  EXPECT_EQ(joined.examples[0].language, "en");
  EXPECT_EQ(joined.examples[3].language, "de");
  EXPECT_EQ(joined.examples[3].text_a, Fields(DevLines("de", 1)[0])[0]);
  EXPECT_EQ(joined.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  EXPECT_EQ(joined.CountLabelled(), static_cast<int64_t>(joined.examples.size()));

  // The report sets the translated stage next to the English one, on every target.
  const std::vector<fs::path> csv_files = testing::FindFiles(h.cache(), "report.csv");
  ASSERT_EQ(csv_files.size(), 1u);
  const std::vector<std::vector<std::string>> rows = testing::ReadCsv(csv_files[0]);
  std::map<std::string, std::set<std::string>> targets;  // intermediate -> targets
  for (size_t i = 1; i < rows.size(); ++i) {
    ASSERT_EQ(rows[i].size(), 16u) << i;
    EXPECT_EQ(rows[i][0], "multi_pretrained");
    targets[rows[i][2]].insert(rows[i][3]);
    if (rows[i][2] == "mnli_translated") {
      EXPECT_FALSE(rows[i][10].empty()) << "no gain in row " << i;
    }
  }
  const std::set<std::string> all = {"xnli", "pawsx", "panx", "tatoeba"};
  EXPECT_EQ(targets, (std::map<std::string, std::set<std::string>>{{"none", all}, {"mnli", all}, {"mnli_translated", all}}));
}

}  // namespace
}  // namespace xstilts
