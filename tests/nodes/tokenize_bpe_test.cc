// The tokenizer node with format: bpe and tokenize with the resulting artifact, through the CLI,
// on a small pair-classification file and a small tagging file. The expected ids come from a
// Python port of GPT-2's encoder.py on the same toy vocabulary (tests/tokenizer/bpe_test_vocab.h).
#include <filesystem>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/h5_file.h"
#include "data/token_dataset.h"
#include "tests/integration/cli_harness.h"
#include "tests/tokenizer/bpe_test_vocab.h"
#include "tokenizer/tokenizer_artifact.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

std::vector<int32_t> Row(const TokenFeatures& f, const std::vector<int32_t>& column, size_t row) {
  return std::vector<int32_t>(column.begin() + f.offsets[row], column.begin() + f.offsets[row + 1]);
}

using Ids = std::vector<int32_t>;
constexpr int32_t kNo = kIgnoredTokenLabel;

void WritePipeline(CliHarness& h) {
  h.Write("roberta/vocab.json", testing::TestVocabJson());
  h.Write("roberta/merges.txt", testing::TestMergesTxt());
  h.Write("xnli/dev-en.tsv", "The cat sat.\tthe mat\tentailment\ncat\tcaf\xC3\xA9\tneutral\n");
  h.Write("panx/dev-en.tsv", "The\tO\ncat\tB-PER\n\ncaf\xC3\xA9\tB-LOC\non\tO\n");
  h.Write("p.yaml", "nodes:\n"
                    "  pairs: {type: dataset, params: {format: xnli, path: xnli/dev-en.tsv}}\n"
                    "  tags: {type: dataset, params: {format: panx, path: panx/dev-en.tsv}}\n"
                    "  roberta: {type: tokenizer, params: {path: roberta, format: bpe}}\n"
                    "  pair_tokens:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: pairs, tokenizer: roberta}\n"
                    "    params: {max_length: 16}\n"
                    "  tag_tokens:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: tags, tokenizer: roberta}\n"
                    "    params: {max_length: 16}\n");
}

TEST(TokenizeBpe, PairsAndTagsWithARobertaStyleTokenizer) {
  CliHarness h("tokenize_bpe");
  WritePipeline(h);
  const CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;

  const fs::path tokenizer = h.ArtifactOf(r, "roberta", "tokenizer");
  H5File file(tokenizer, H5File::Mode::kReadOnly);
  EXPECT_EQ(file.GetStringAttribute("/", "format"), "bpe");
  EXPECT_EQ(file.GetStringAttribute("/", "id_layout"), "vocab_json");
  EXPECT_EQ(file.GetIntAttribute("/", "version"), 2);
  EXPECT_EQ(file.GetIntAttribute("/", "vocab_size"), 276);
  EXPECT_EQ(file.GetIntAttribute("/", "mask_id"), 275);
  const TokenizerArtifact artifact = ReadTokenizerArtifact(tokenizer);
  EXPECT_EQ(artifact.vocab_json, testing::TestVocabJson());
  EXPECT_EQ(artifact.merges, testing::TestMergesTxt());

  // Pairs as RoBERTa: <s> A </s></s> B </s>.
  const TokenDataset pairs = ReadTokenDataset(h.ArtifactOf(r, "pair_tokens", "tokens"));
  ASSERT_EQ(pairs.features.example_index.size(), 2u);
  EXPECT_EQ(Row(pairs.features, pairs.features.input_ids, 0), (Ids{0, 270, 265, 267, 50, 2, 2, 120, 261, 274, 2}));
  EXPECT_EQ(Row(pairs.features, pairs.features.input_ids, 1), (Ids{0, 271, 2, 2, 103, 101, 106, 272, 2}));
  const auto& labels = pairs.info.labels;
  const auto index_of = [&](const std::string& label) {
    return static_cast<int32_t>(std::find(labels.begin(), labels.end(), label) - labels.begin());
  };
  EXPECT_EQ(pairs.features.label, (Ids{index_of("entailment"), index_of("neutral")}));
  EXPECT_EQ(pairs.info.id_layout, "vocab_json");
  EXPECT_EQ(pairs.info.pad_id, 1);

  // Every word with a space before it: "The" -> "Ġ" "The", whose label sits on "Ġ".
  const TokenDataset tags = ReadTokenDataset(h.ArtifactOf(r, "tag_tokens", "tokens"));
  ASSERT_EQ(tags.features.example_index.size(), 2u);
  const TokenFeatures& f = tags.features;
  const auto tag = [&](const std::string& t) {
    return static_cast<int32_t>(std::find(tags.info.labels.begin(), tags.info.labels.end(), t) - tags.info.labels.begin());
  };
  EXPECT_EQ(Row(f, f.input_ids, 0), (Ids{0, 36, 270, 265, 2}));
  EXPECT_EQ(Row(f, f.token_labels, 0), (Ids{kNo, tag("O"), kNo, tag("B-PER"), kNo}));
  EXPECT_EQ(Row(f, f.word_index, 0), (Ids{-1, 0, -1, 1, -1}));
  EXPECT_EQ(Row(f, f.input_ids, 1), (Ids{0, 264, 101, 106, 272, 269, 2}));
  EXPECT_EQ(Row(f, f.token_labels, 1), (Ids{kNo, tag("B-LOC"), kNo, kNo, kNo, tag("O"), kNo}));
}

TEST(TokenizeBpe, MalformedMergesFailTheTokenizerNodeNamingTheLine) {
  CliHarness h("tokenize_bpe_bad");
  WritePipeline(h);
  h.Write("roberta/merges.txt", "#version: 0.2\nh e\nhe\n");
  const CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("roberta/merges.txt:3: expected two symbols separated by one space, got 'he'"), std::string::npos)
      << r.err;
}

TEST(TokenizeBpe, VersionOneArtifactsReadAsSentencePiece) {
  CliHarness h("tokenizer_v1");
  const fs::path path = h.dir() / "v1.h5";
  {
    // What version 1 wrote: no `format` attribute.
    H5File file(path, H5File::Mode::kCreate);
    file.SetAttribute("/", "kind", std::string("tokenizer"));
    file.SetAttribute("/", "version", int64_t{1});
    file.SetAttribute("/", "id_layout", std::string("spm"));
    file.SetAttribute("/", "model_type", std::string("unigram"));
    const std::string bytes = "model bytes";
    file.Write("model", H5Type::kUInt8, {bytes.size()}, bytes.data());
    file.Close();
  }
  const TokenizerArtifact artifact = ReadTokenizerArtifact(path);
  EXPECT_EQ(artifact.format, TokenizerFormat::kSentencePiece);
  EXPECT_EQ(artifact.id_layout, IdLayout::kSentencePiece);
  EXPECT_EQ(artifact.model_proto, "model bytes");
  EXPECT_TRUE(artifact.vocab_json.empty());
}

}  // namespace
}  // namespace xstilts
