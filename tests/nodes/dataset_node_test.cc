// The `dataset` node through the CLI: real benchmark files into examples artifacts, {lang}
// expansion, cache keys on file content, malformed files.
#include <filesystem>
#include <map>
#include <string>

#include <gtest/gtest.h>

#include "data/examples_artifact.h"
#include "data/readers/read_dataset.h"
#include "tests/integration/cli_harness.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

size_t CountEntries(const fs::path& entries) {
  size_t n = 0;
  if (!fs::exists(entries)) return 0;
  for (const auto& shard : fs::directory_iterator(entries)) {
    if (shard.is_directory()) n += std::distance(fs::directory_iterator(shard), fs::directory_iterator());
  }
  return n;
}

TEST(DatasetNode, ReadsARealFileIntoAnExamplesArtifact) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-de.tsv");
  CliHarness h("dataset_real");
  h.Write("p.yaml", "nodes:\n"
                    "  small:\n"
                    "    type: dataset\n"
                    "    params: {format: xnli, path: " + xnli.string() + ", limit: 100}\n"
                    "  full:\n"
                    "    type: dataset\n"
                    "    params: {format: xnli, path: " + xnli.string() + "}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"small", "ran"}, {"full", "ran"}}));
  const Examples small = ReadExamples(h.ArtifactOf(r, "small", "examples"));
  EXPECT_EQ(small.format, "xnli");
  EXPECT_EQ(small.task, TaskType::kPairClassification);
  EXPECT_EQ(small.examples.size(), 100u);
  EXPECT_EQ(small.Languages(), (std::vector<std::string>{"de"}));
  EXPECT_EQ(small.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  const Examples full = ReadExamples(h.ArtifactOf(r, "full", "examples"));
  EXPECT_EQ(full.examples.size(), 2490u);
  EXPECT_EQ(ExamplesDifference(full, ReadDataset("xnli", xnli)), "");

  CliResult again = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Statuses(), (std::map<std::string, std::string>{{"small", "cached"}, {"full", "cached"}}));
}

TEST(DatasetNode, LangPlaceholderReadsOneFilePerLanguageIntoOneArtifact) {
  XSTILTS_SHARED_DATA_OR_SKIP(panx, "panx/xtreme");
  CliHarness h("dataset_lang");
  h.Write("p.yaml", "nodes:\n"
                    "  panx_dev:\n"
                    "    type: dataset\n"
                    "    params:\n"
                    "      format: panx\n"
                    "      path: " + (panx / "dev-{lang}.tsv").string() + "\n"
                    "      languages: [de, zh, ar]\n"
                    "      limit: 7\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Examples x = ReadExamples(h.ArtifactOf(r, "panx_dev", "examples"));
  ASSERT_EQ(x.examples.size(), 21u);
  std::string languages;
  for (const Example& e : x.examples) languages += e.language + " ";
  EXPECT_EQ(languages, "de de de de de de de zh zh zh zh zh zh zh ar ar ar ar ar ar ar ");
  const Examples zh = ReadDataset("panx", panx / "dev-zh.tsv");
  EXPECT_EQ(x.examples[7].tokens, zh.examples[0].tokens);
  EXPECT_EQ(x.examples[13].tags, zh.examples[6].tags);
  EXPECT_EQ(x.labels, zh.labels);
}

TEST(DatasetNode, MalformedFileFailsWithFileAndLineAndCachesNothing) {
  CliHarness h("dataset_malformed");
  h.Write("data/dev-de.tsv", "Ein Hund bellt.\tEin Tier macht Lärm.\tentailment\n"
                             "Nur ein Feld\n");
  h.Write("p.yaml", "nodes:\n"
                    "  bad:\n"
                    "    type: dataset\n"
                    "    params: {format: xnli, path: data/dev-de.tsv}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"bad", "failed"}}));
  const std::string expected = "error: node 'bad' (p.yaml:2:3): " + (h.dir() / "data/dev-de.tsv").string() +
                               ":2: expected 3 fields separated by a tab as on line 1, got 1\n";
  EXPECT_NE(r.err.find(expected), std::string::npos) << r.err;
  EXPECT_EQ(CountEntries(h.cache() / "entries"), 0u);

  h.Write("data/dev-de.tsv", "Ein Hund bellt.\tEin Tier macht Lärm.\tentailment\n");
  CliResult fixed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(fixed.exit_code, 0) << fixed.err;
  EXPECT_EQ(ReadExamples(h.ArtifactOf(fixed, "bad", "examples")).examples.at(0).text_b, "Ein Tier macht Lärm.");
}

TEST(DatasetNode, KeyFollowsTheContentOfEveryFileRead) {
  CliHarness h("dataset_key");
  h.Write("tatoeba/tatoeba.deu-eng.deu", "Hallo.\nDanke.\n");
  h.Write("tatoeba/tatoeba.deu-eng.eng", "Hello.\nThanks.\n");
  h.Write("p.yaml", "nodes:\n"
                    "  pairs:\n"
                    "    type: dataset\n"
                    "    params: {format: tatoeba, path: tatoeba/tatoeba.deu-eng}\n");
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Examples x = ReadExamples(h.ArtifactOf(first, "pairs", "examples"));
  EXPECT_EQ(x.parallel.source_texts, (std::vector<std::string>{"Hallo.", "Danke."}));
  EXPECT_EQ(x.parallel.gold, (std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {1, 1}}));

  h.Write("tatoeba/tatoeba.deu-eng.eng", "Hello.\nThanks.\n");  // rewritten, same content
  EXPECT_EQ(h.Run({"run", "p.yaml", "--json"}).Statuses()["pairs"], "cached");
  h.Write("tatoeba/tatoeba.deu-eng.eng", "Hello.\nThank you.\n");
  CliResult changed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.Statuses()["pairs"], "ran");
  EXPECT_NE(changed.err.find("pairs: file tatoeba/tatoeba.deu-eng.eng changed"), std::string::npos) << changed.err;
  EXPECT_EQ(ReadExamples(h.ArtifactOf(changed, "pairs", "examples")).parallel.target_texts[1], "Thank you.");
}

TEST(DatasetNode, LimitKeepsTheFirstSentencesOfParallelData) {
  XSTILTS_SHARED_DATA_OR_SKIP(arabic, "tatoeba/v1/tatoeba.ara-eng.ara");
  const fs::path tatoeba = arabic.parent_path() / arabic.stem();  // the pair's prefix
  CliHarness h("dataset_limit_parallel");
  h.Write("p.yaml", "nodes:\n"
                    "  ara:\n"
                    "    type: dataset\n"
                    "    params: {format: tatoeba, path: " + tatoeba.string() + ", limit: 25}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Examples x = ReadExamples(h.ArtifactOf(r, "ara", "examples"));
  const Examples all = ReadDataset("tatoeba", tatoeba);
  EXPECT_EQ(x.parallel.source_language, "ar");
  EXPECT_EQ(x.parallel.source_texts, std::vector<std::string>(all.parallel.source_texts.begin(),
                                                              all.parallel.source_texts.begin() + 25));
  EXPECT_EQ(x.parallel.target_ids.size(), 25u);
  EXPECT_EQ(x.parallel.gold.size(), 25u);
}

TEST(DatasetNode, OptionMistakesAreReportedBeforeAnythingRuns) {
  CliHarness h("dataset_options");
  h.Write("dev-de.tsv", "a\tb\tneutral\n");
  h.Write("p.yaml", "nodes:\n"
                    "  d:\n"
                    "    type: dataset\n"
                    "    params: {format: xnli, path: dev-de.tsv, options: {quotin: none}}\n");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: node 'd' (p.yaml:2:3): format 'xnli': unknown option 'quotin' (did you mean "
                   "'quoting'?); it takes: language, quoting\n");

  h.Write("p.yaml", "nodes:\n"
                    "  d:\n"
                    "    type: dataset\n"
                    "    params: {format: tatoeba, path: 'tatoeba.{lang}-eng', languages: [deu, fra]}\n");
  r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: node 'd' (p.yaml:2:3): format 'tatoeba' holds one language pair per artifact: declare "
                   "one dataset node per pair instead of 2 languages\n");

  h.Write("p.yaml", "nodes:\n"
                    "  d:\n"
                    "    type: dataset\n"
                    "    params: {format: xnli, path: missing.tsv}\n");
  r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: node 'd' (p.yaml:2:3): " + (h.dir() / "missing.tsv").string() +
                       ": no such file or directory\n");
}

}  // namespace
}  // namespace xstilts
