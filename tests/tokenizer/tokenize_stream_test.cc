// TokenizeExamples: the parallel, streaming driver of the tokenize node.
#include "tokenizer/tokenize_stream.h"

#include <tuple>

#include <gtest/gtest.h>

#include "data/examples_artifact.h"
#include "data/readers/read_dataset.h"
#include "tests/readers/reader_test_util.h"
#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/sentencepiece_model.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

constexpr char kModel[] = "spm/amr_nmt/sentencepiece.bpe.model";

SentencePieceModel LoadModel(const fs::path& path) {
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kFairseq);
  if (!model.ok()) throw std::runtime_error(model.status().message());
  return std::move(model.value());
}

TokenizeStats TokenizeToFile(const Examples& examples, const FeatureBuilder& builder, const SentencePieceModel& model,
                             const fs::path& file, const TokenizeStreamOptions& options) {
  std::vector<std::string> ids, languages;
  TokenDatasetExampleRows(examples, &ids, &languages);
  TokenDatasetWriter writer(file, MakeTokenDatasetInfo(examples, model, builder), ids, languages);
  TokenizeStats stats = TokenizeExamples(examples, builder, writer, options);
  writer.Finish();
  return stats;
}

TEST(TokenizeStream, OneAndTwoThreadsWriteTheSameDataset) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xquad, "xquad/xquad.de.json");
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples = ReadDataset("xquad", xquad);
  examples.examples.resize(400);
  TokenizeOptions options;
  options.max_length = 128;
  options.doc_stride = 48;
  const FeatureBuilder builder(model, examples.task, {}, options);
  TempDir dir;
  TokenizeStreamOptions one;
  one.threads = 1;
  const TokenizeStats a = TokenizeToFile(examples, builder, model, dir.path() / "one.h5", one);
  TokenizeStreamOptions two;
  two.threads = 2;
  two.batch_bytes = 2000;  // many small runs, finished out of order by the two threads
  std::vector<uint64_t> progress;
  two.progress = [&](uint64_t done, uint64_t total) {
    EXPECT_EQ(total, examples.examples.size());
    progress.push_back(done);
  };
  const TokenizeStats b = TokenizeToFile(examples, builder, model, dir.path() / "two.h5", two);

  EXPECT_EQ(a.examples, 400u);
  EXPECT_EQ(a.features, b.features);
  EXPECT_EQ(a.tokens, b.tokens);
  EXPECT_GT(a.features, a.examples);
  const TokenDataset x = ReadTokenDataset(dir.path() / "one.h5");
  const TokenDataset y = ReadTokenDataset(dir.path() / "two.h5");
  EXPECT_EQ(TokenDatasetDifference(x, y), "");
  EXPECT_EQ(x.features.num_tokens(), a.tokens);
  EXPECT_EQ(x.example_id.size(), 400u);
  EXPECT_EQ(x.language, std::vector<std::string>(400, "de"));
  EXPECT_EQ(x.info.doc_stride, 48);
  EXPECT_EQ(x.info.mask_id, 16001);
  ASSERT_GT(progress.size(), 10u);
  EXPECT_TRUE(std::is_sorted(progress.begin(), progress.end()));
  EXPECT_EQ(progress.back(), 400u);

  // The same features as building every example in one go.
  TokenFeatures direct;
  FeatureCounts counts;
  for (size_t i = 0; i < examples.examples.size(); ++i) {
    builder.AddExample(examples.examples[i], static_cast<int64_t>(i), &direct, &counts);
  }
  EXPECT_TRUE(direct == x.features);
  EXPECT_EQ(counts.split, a.counts.split);
}

TEST(TokenizeStream, ParallelSentencesWriteSourceThenTarget) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(deu, "tatoeba/v1/tatoeba.deu-eng.deu");
  const SentencePieceModel model = LoadModel(model_path);
  const Examples examples = ReadDataset("tatoeba", deu);
  const FeatureBuilder builder(model, examples.task, {}, TokenizeOptions());
  TempDir dir;
  TokenizeStreamOptions options;
  options.threads = 2;
  options.batch_bytes = 1000;
  const TokenizeStats stats = TokenizeToFile(examples, builder, model, dir.path() / "t.h5", options);
  EXPECT_EQ(stats.examples, 2000u);
  const TokenDataset d = ReadTokenDataset(dir.path() / "t.h5");
  ASSERT_EQ(d.features.size(), 2000u);
  EXPECT_EQ(d.info.source_sentences, 1000);
  EXPECT_EQ(d.info.source_language, "de");
  EXPECT_EQ(d.info.target_language, "en");
  EXPECT_EQ(d.language[999], "de");
  EXPECT_EQ(d.language[1000], "en");
  EXPECT_EQ(d.example_id[1000], examples.parallel.target_ids[0]);
  for (size_t i = 0; i < 2000; ++i) {
    EXPECT_EQ(d.features.example_index[i], static_cast<int64_t>(i));
    EXPECT_EQ(d.features.side[i], i < 1000 ? 0 : 1);
    EXPECT_EQ(d.features.sentence_index[i], static_cast<int64_t>(i % 1000));
  }
}

TEST(TokenizeStream, StopsWhenCancelled) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-de.tsv");
  const SentencePieceModel model = LoadModel(model_path);
  const Examples examples = ReadDataset("xnli", xnli);
  const FeatureBuilder builder(model, examples.task, examples.labels, TokenizeOptions());
  TempDir dir;
  TokenizeStreamOptions options;
  options.threads = 1;
  options.batch_bytes = 1000;
  int polls = 0;
  options.cancelled = [&] { return ++polls > 3; };
  const TokenizeStats stats = TokenizeToFile(examples, builder, model, dir.path() / "c.h5", options);
  EXPECT_TRUE(stats.cancelled);
  EXPECT_GT(stats.examples, 0u);
  EXPECT_LT(stats.examples, examples.examples.size());
}

TEST(TokenizeStream, ABadLabelStopsTheStreamWithItsMessage) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-de.tsv");
  const SentencePieceModel model = LoadModel(model_path);
  Examples examples = ReadDataset("xnli", xnli);
  examples.examples[700].label = "maybe";
  const FeatureBuilder builder(model, examples.task, examples.labels, TokenizeOptions());
  TempDir dir;
  TokenizeStreamOptions options;
  options.threads = 2;
  options.batch_bytes = 1000;
  EXPECT_EQ(testing::InputErrorMessage([&] { TokenizeToFile(examples, builder, model, dir.path() / "x.h5", options); }),
            "example 700 (id '700', de): label 'maybe' is not in the label set [contradiction, entailment, neutral]");
}

// The tokenize node's way: examples read from the artifact block by block as the stream needs
// them give the file that the same examples held in memory give, for tagging (ragged columns) and
// span QA (answers), on two threads with small runs against one thread with large ones.
TEST(TokenizeStream, ReadingTheArtifactWritesWhatInMemoryExamplesWrite) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, kModel);
  XSTILTS_TOKENIZER_DATA_OR_SKIP(panx, "panx/xtreme/dev-de.tsv");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xquad, "xquad/xquad.de.json");
  const SentencePieceModel model = LoadModel(model_path);
  TempDir dir;
  const auto cases = {std::make_tuple("panx", panx, 3000), std::make_tuple("xquad", xquad, 300)};
  for (const auto& [format, path, limit] : cases) {
    SCOPED_TRACE(format);
    const auto n = static_cast<uint64_t>(limit);
    Examples examples = ReadDataset(format, path);
    examples.examples.resize(n);
    const fs::path artifact = dir.path() / (std::string(format) + ".h5");
    WriteExamples(examples, artifact);
    TokenizeOptions options;
    options.max_length = 96;
    options.doc_stride = 32;
    options.max_query_length = 24;
    const FeatureBuilder builder(model, examples.task, examples.labels, options);
    TokenizeStreamOptions one;
    one.threads = 1;
    one.batch_bytes = 1 << 20;
    const TokenizeStats a = TokenizeToFile(examples, builder, model, dir.path() / "memory.h5", one);

    const ExamplesReader reader(artifact);
    std::vector<std::string> ids, languages;
    TokenDatasetExampleRows(reader, &ids, &languages);
    EXPECT_EQ(TokenDatasetExamples(reader), n);
    TokenDatasetWriter writer(dir.path() / "read.h5", MakeTokenDatasetInfo(reader.header(), model, builder), ids,
                              languages);
    TokenizeStreamOptions two;
    two.threads = 2;
    two.batch_bytes = 700;
    uint64_t last_done = 0;
    two.progress = [&](uint64_t done, uint64_t total) {
      EXPECT_EQ(total, n);
      EXPECT_GT(done, last_done);
      last_done = done;
    };
    const TokenizeStats b = TokenizeExamples(reader, builder, writer, two);
    writer.Finish();
    EXPECT_EQ(last_done, n);
    EXPECT_EQ(b.examples, a.examples);
    EXPECT_EQ(b.features, a.features);
    EXPECT_EQ(b.counts.truncated, a.counts.truncated);
    EXPECT_EQ(b.counts.split, a.counts.split);
    const TokenDataset x = ReadTokenDataset(dir.path() / "memory.h5");
    const TokenDataset y = ReadTokenDataset(dir.path() / "read.h5");
    EXPECT_EQ(TokenDatasetDifference(x, y), "");
    EXPECT_EQ(y.example_id, ids);
    EXPECT_GT(y.features.size(), 0u);
  }
}

}  // namespace
}  // namespace xstilts
