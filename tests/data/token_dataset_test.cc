#include "data/token_dataset.h"

#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "data/h5_file.h"
#include "tests/readers/reader_test_util.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::InputErrorMessage;
using testing::TempDir;

TokenDatasetInfo InfoFor(TaskType task) {
  TokenDatasetInfo info;
  info.task = task;
  info.format = "test";
  info.max_length = 16;
  info.truncation = "longest_first";
  info.id_layout = "fairseq";
  info.vocab_size = 1002;
  info.pad_id = 1;
  info.bos_id = 0;
  info.eos_id = 2;
  info.unk_id = 3;
  info.mask_id = 1001;
  return info;
}

// Appends one feature of `ids` for `example`.
void AddFeature(TokenFeatures& f, std::vector<int32_t> ids, int64_t example) {
  f.input_ids.insert(f.input_ids.end(), ids.begin(), ids.end());
  f.offsets.push_back(static_cast<int64_t>(f.input_ids.size()));
  f.example_index.push_back(example);
}

// A small dataset of every task, with each of its columns filled.
TokenDataset Sample(TaskType task) {
  TokenDataset d;
  d.info = InfoFor(task);
  d.example_id = {"a", "b", "c"};
  d.language = {"en", "de", "zh"};
  TokenFeatures& f = d.features;
  AddFeature(f, {0, 17, 18, 2}, 0);
  AddFeature(f, {0, 2}, 1);
  AddFeature(f, {0, 19, 20, 21, 2}, 2);
  switch (task) {
    case TaskType::kPairClassification:
    case TaskType::kSentenceClassification:
      d.info.labels = {"contradiction", "entailment", "neutral"};
      f.label = {2, -1, 0};
      break;
    case TaskType::kTagging:
      d.info.labels = {"B-PER", "I-PER", "O"};
      d.info.label_all_subtokens = true;
      f.token_labels = {-100, 2, 2, -100, -100, -100, -100, 0, 1, 1, -100};
      f.word_index = {-1, 0, -1, -1, -1, -1, -1, 0, 1, -1, -1};
      break;
    case TaskType::kSpanQa:
      d.info.doc_stride = 128;
      d.info.max_query_length = 64;
      f.start_position = {0, -1, 3};
      f.end_position = {0, -1, 3};
      f.context_char_start = {-1, 0, 4, -1, -1, -1, -1, -1, -1, 0, -1};
      f.context_char_end = {-1, 3, 9, -1, -1, -1, -1, -1, -1, 2, -1};
      break;
    case TaskType::kMultipleChoice:
      d.info.labels = {"0", "1"};
      f.label = {1, 1, -1};
      f.choice_index = {0, 1, 0};
      break;
    case TaskType::kParallelSentences:
      d.info.source_language = "de";
      d.info.target_language = "en";
      d.info.source_sentences = 2;
      f.side = {0, 0, 1};
      f.sentence_index = {0, 1, 0};
      break;
  }
  return d;
}

constexpr TaskType kAllTasks[] = {TaskType::kPairClassification, TaskType::kSentenceClassification,
                                  TaskType::kTagging,           TaskType::kSpanQa,
                                  TaskType::kMultipleChoice,    TaskType::kParallelSentences};

TEST(TokenDataset, RoundTripIsExactForEveryTask) {
  TempDir dir;
  for (TaskType task : kAllTasks) {
    const TokenDataset original = Sample(task);
    const fs::path file = dir.path() / (std::string(TaskTypeName(task)) + ".h5");
    WriteTokenDataset(original, file);
    const TokenDataset back = ReadTokenDataset(file);
    EXPECT_EQ(TokenDatasetDifference(original, back), "") << TaskTypeName(task);
    EXPECT_TRUE(original.features == back.features) << TaskTypeName(task);
  }
}

TEST(TokenDataset, FileHoldsTheDocumentedNamesOnly) {
  TempDir dir;
  const fs::path file = dir.path() / "qa.h5";
  WriteTokenDataset(Sample(TaskType::kSpanQa), file);
  H5File h5(file, H5File::Mode::kReadOnly);
  EXPECT_EQ(h5.List("/"), (std::vector<std::string>{"context_char_end", "context_char_start", "end_position",
                                                      "example_id", "example_index", "input_ids", "labels",
                                                      "language", "offsets", "start_position"}));
  EXPECT_EQ(h5.GetStringAttribute("/", "kind"), "tokens");
  EXPECT_EQ(h5.GetStringAttribute("/", "task"), "span_qa");
  EXPECT_EQ(h5.GetIntAttribute("/", "mask_id"), 1001);
  EXPECT_EQ(h5.GetIntAttribute("/", "num_examples"), 3);
  EXPECT_EQ(h5.ReadVector<int64_t>("offsets"), (std::vector<int64_t>{0, 4, 6, 11}));
}

TEST(TokenDataset, WriterAppendingBatchesEqualsOneWrite) {
  TempDir dir;
  const TokenDataset whole = Sample(TaskType::kTagging);
  const fs::path file = dir.path() / "batches.h5";
  TokenDatasetWriter writer(file, whole.info, whole.example_id, whole.language);
  // Three batches: the first two features, nothing, the last feature.
  TokenFeatures first, empty, last;
  AddFeature(first, {0, 17, 18, 2}, 0);
  AddFeature(first, {0, 2}, 1);
  first.token_labels = {-100, 2, 2, -100, -100, -100};
  first.word_index = {-1, 0, -1, -1, -1, -1};
  AddFeature(last, {0, 19, 20, 21, 2}, 2);
  last.token_labels = {-100, 0, 1, 1, -100};
  last.word_index = {-1, 0, 1, -1, -1};
  writer.Append(first);
  writer.Append(empty);
  writer.Append(last);
  writer.Finish();
  EXPECT_EQ(writer.features(), 3u);
  EXPECT_EQ(writer.tokens(), 11u);
  EXPECT_EQ(TokenDatasetDifference(ReadTokenDataset(file), whole), "");
}

TEST(TokenDataset, ReaderReadsFeatureRanges) {
  TempDir dir;
  const fs::path file = dir.path() / "mc.h5";
  WriteTokenDataset(Sample(TaskType::kMultipleChoice), file);
  TokenDatasetReader reader(file);
  EXPECT_EQ(reader.num_features(), 3u);
  EXPECT_EQ(reader.offsets(), (std::vector<int64_t>{0, 4, 6, 11}));
  const TokenFeatures tail = reader.ReadFeatures(1, 2);
  EXPECT_EQ(tail.input_ids, (std::vector<int32_t>{0, 2, 0, 19, 20, 21, 2}));
  EXPECT_EQ(tail.offsets, (std::vector<int64_t>{0, 2, 7}));
  EXPECT_EQ(tail.example_index, (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(tail.label, (std::vector<int32_t>{1, -1}));
  EXPECT_EQ(tail.choice_index, (std::vector<int32_t>{1, 0}));
  EXPECT_EQ(reader.ReadFeatures(3, 0).size(), 0u);
  EXPECT_EQ(InputErrorMessage([&] { reader.ReadFeatures(2, 2); }),
            file.string() + ": features 2..4 requested, the artifact has 3");
}

TEST(TokenDataset, WriterRefusesColumnsThatDoNotFitTheTask) {
  TempDir dir;
  const auto refusal = [&](TokenDataset d) -> std::string {
    try {
      WriteTokenDataset(d, dir.path() / "bad.h5");
    } catch (const std::invalid_argument& e) {
      return e.what();
    }
    return "accepted";
  };
  TokenDataset extra = Sample(TaskType::kPairClassification);
  extra.features.word_index = {1};
  EXPECT_EQ(refusal(extra),
            "token features (task pair_classification): has column 'word_index', which this task does not store");
  TokenDataset short_labels = Sample(TaskType::kTagging);
  short_labels.features.token_labels.pop_back();
  EXPECT_EQ(refusal(short_labels),
            "token features (task tagging): column 'token_labels' has 10 entries, expected 11 (one per token)");
  TokenDataset bad_offsets = Sample(TaskType::kSentenceClassification);
  bad_offsets.features.offsets[3] = 10;
  EXPECT_EQ(refusal(bad_offsets), "token features (task sentence_classification): offsets end at 10 but there are 11 "
                                  "input_ids");
  TokenDataset bad_example = Sample(TaskType::kParallelSentences);
  bad_example.features.example_index[2] = 3;
  EXPECT_EQ(refusal(bad_example), "token features: example_index 3 outside [0, 3)");
}

TEST(TokenDataset, ReaderNamesTheFileAndTheProblem) {
  TempDir dir;
  const fs::path other = dir.path() / "other.h5";
  {
    H5File h5(other, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("examples"));
  }
  EXPECT_EQ(InputErrorMessage([&] { ReadTokenDataset(other); }),
            other.string() + ": expected a tokens artifact, got kind 'examples'");

  const fs::path newer = dir.path() / "newer.h5";
  WriteTokenDataset(Sample(TaskType::kTagging), newer);
  {
    H5File h5(newer, H5File::Mode::kReadWrite);
    h5.SetAttribute("/", "version", int64_t{2});
  }
  EXPECT_EQ(InputErrorMessage([&] { ReadTokenDataset(newer); }),
            newer.string() + ": tokens artifact has layout version 2; this program reads versions 1 to 1");

  const fs::path truncated = dir.path() / "truncated.h5";
  WriteTokenDataset(Sample(TaskType::kSpanQa), truncated);
  {
    H5File h5(truncated, H5File::Mode::kReadWrite);
    h5.SetAttribute("/", "task", std::string("tagging"));
  }
  EXPECT_EQ(InputErrorMessage([&] { ReadTokenDataset(truncated); }),
            truncated.string() + ": tokens artifact (task tagging) has no dataset 'token_labels'");
}

}  // namespace
}  // namespace xstilts
