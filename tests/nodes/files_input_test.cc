// The `files` input of path-reading node types (nodes/files_input.h), and select_examples'
// parallel view and joined inputs, through the CLI.
#include <gtest/gtest.h>

#include <filesystem>

#include "data/examples_artifact.h"
#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

TEST(FilesInput, DatasetReadsItsPathInsideTheBundleAndFollowsItsContent) {
  CliHarness h("files_input");
  h.Write("glue/sst/de.tsv", "sentence\tlabel\nein guter Film\t1\nlangweilig\t0\n");
  h.Write("glue/sst/en.tsv", "sentence\tlabel\na good film\t1\nboring\t0\n");
  h.Write("p.yaml", R"(
nodes:
  bundle: {type: files, params: {paths: [glue]}}
  both: {type: dataset, inputs: {files: bundle}, params: {format: sst2, path: "glue/sst/{lang}.tsv", languages: [de, en]}}
  pairs: {type: select_examples, inputs: {examples: both}, params: {languages: [de], parallel_with: en}}
)");
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Examples pairs = ReadExamples(h.ArtifactOf(first, "pairs", "examples"));
  ASSERT_EQ(pairs.task, TaskType::kParallelSentences);
  EXPECT_EQ(pairs.parallel.source_language, "de");
  EXPECT_EQ(pairs.parallel.source_texts, (std::vector<std::string>{"ein guter Film", "langweilig"}));
  EXPECT_EQ(pairs.parallel.target_texts, (std::vector<std::string>{"a good film", "boring"}));
  EXPECT_EQ(pairs.parallel.gold, (std::vector<std::pair<int64_t, int64_t>>{{0, 0}, {1, 1}}));

  // The dataset's key is the bundle's: editing a file inside re-runs both.
  h.Write("glue/sst/en.tsv", "sentence\tlabel\na fine film\t1\nboring\t0\n");
  CliResult second = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.Statuses()["bundle"], "ran");
  EXPECT_EQ(second.Statuses()["both"], "ran");
  EXPECT_EQ(ReadExamples(h.ArtifactOf(second, "pairs", "examples")).parallel.target_texts[0], "a fine film");
}

TEST(FilesInput, APathOutsideTheBundleOrAFileInTwoBundlesIsAnError) {
  CliHarness h("files_input_errors");
  h.Write("a/sst/train.tsv", "sentence\tlabel\ngood\t1\n");
  h.Write("b/sst/train.tsv", "sentence\tlabel\nbad\t0\n");
  h.Write("p.yaml", R"(
nodes:
  a: {type: files, params: {paths: [a/sst]}}
  b: {type: files, params: {paths: [b/sst]}}
  escapes: {type: dataset, inputs: {files: a}, params: {format: sst2, path: ../sst/train.tsv}}
  clash: {type: dataset, inputs: {files: [a, b]}, params: {format: sst2, path: sst/train.tsv}}
)");
  CliResult r = h.Run({"run", "p.yaml", "--keep-going"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("path '../sst/train.tsv' must be relative and stay inside the `files` input"), std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("two bundles of the `files` input hold 'sst/train.tsv'"), std::string::npos) << r.err;
}

TEST(SelectExamples, ParallelWithNeedsExactlyOneOtherLanguage) {
  CliHarness h("parallel_with");
  h.Write("sst/de.tsv", "sentence\tlabel\ngut\t1\n");
  h.Write("sst/en.tsv", "sentence\tlabel\ngood\t1\n");
  h.Write("p.yaml", R"(
nodes:
  both: {type: dataset, params: {format: sst2, path: "sst/{lang}.tsv", languages: [de, en]}}
  pairs: {type: select_examples, inputs: {examples: both}, params: {parallel_with: en}}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("'parallel_with' pairs one language with another; the selection has 2 language(s)"),
            std::string::npos)
      << r.err;
}

// Several inputs are joined in order before the selection: an English training set and its
// machine translations (read by another format with the same label set) as one training set.
TEST(SelectExamples, JoinsSeveralInputsInOrder) {
  CliHarness h("select_join");
  h.Write("MNLI/train.tsv",
          "index\tpromptID\tpairID\tgenre\tsentence1_binary_parse\tsentence2_binary_parse\tsentence1_parse\t"
          "sentence2_parse\tsentence1\tsentence2\tlabel1\tgold_label\n"
          "0\t1\t1e\tfiction\t-\t-\t-\t-\tHe said yes.\tHe agreed.\tentailment\tentailment\n");
  h.Write("tt/en-de-translated.tsv", "He said yes .\tHe agreed .\tEr sagte ja.\tEr stimmte zu.\tentailment\n");
  h.Write("tt/en-fr-translated.tsv", "He said yes .\tHe refused .\tIl a dit oui.\tIl a refusé.\tcontradictory\n");
  h.Write("sst/en.tsv", "sentence\tlabel\ngood\t1\n");
  h.Write("p.yaml", R"(
nodes:
  english: {type: dataset, params: {format: mnli, path: MNLI/train.tsv}}
  translated: {type: dataset, params: {format: xnli_translate_train, path: "tt/en-{lang}-translated.tsv", languages: [de, fr]}}
  joined: {type: select_examples, inputs: {examples: [english, translated]}}
  no_french: {type: select_examples, inputs: {examples: [english, translated]}, params: {exclude_languages: [fr]}}
  sentiment: {type: dataset, params: {format: sst2, path: sst/en.tsv}}
  mixed: {type: select_examples, inputs: {examples: [english, sentiment]}}
)");
  CliResult r = h.Run({"run", "p.yaml", "--json", "--keep-going"});
  EXPECT_EQ(r.exit_code, 1);
  const Examples joined = ReadExamples(h.ArtifactOf(r, "joined", "examples"));
  EXPECT_EQ(joined.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  ASSERT_EQ(joined.examples.size(), 3u);
  EXPECT_EQ(joined.Languages(), (std::vector<std::string>{"de", "en", "fr"}));
  EXPECT_EQ(joined.examples[0].text_a, "He said yes.");
  EXPECT_EQ(joined.examples[1].language, "de");
  EXPECT_EQ(joined.examples[2].text_b, "Il a refusé.");
  EXPECT_EQ(joined.examples[2].label, "contradiction");
  EXPECT_EQ(ReadExamples(h.ArtifactOf(r, "no_french", "examples")).examples.size(), 2u);
  EXPECT_EQ(r.Statuses()["mixed"], "failed");
  EXPECT_NE(r.err.find("english holds pair_classification examples and sentiment holds sentence_classification"),
            std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace xstilts
