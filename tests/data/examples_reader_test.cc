// ExamplesReader: an examples artifact read by ranges (the whole-file round trips of every task,
// read back by ranges too, are in examples_artifact_test.cc).
#include <filesystem>
#include <functional>
#include <stdexcept>

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/h5_file.h"
#include "tests/readers/reader_test_util.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::InputErrorMessage;
using testing::TempDir;

Examples TenPairs() {
  Examples x;
  x.format = "xnli";
  x.task = TaskType::kPairClassification;
  x.labels = {"contradiction", "entailment", "neutral"};
  for (int i = 0; i < 10; ++i) {
    const std::string n = std::to_string(i);
    x.examples.push_back(Example{"id" + n, i < 5 ? "de" : "fr", "premise " + n, "hypothesis " + n, x.labels[i % 3]});
  }
  return x;
}

std::string OutOfRangeMessage(const std::function<void()>& call) {
  try {
    call();
  } catch (const std::out_of_range& e) {
    return e.what();
  }
  return "(no std::out_of_range)";
}

TEST(ExamplesReader, ReadsRangesColumnsAndTheArtifactFields) {
  const Examples x = TenPairs();
  TempDir dir;
  const fs::path file = dir.path() / "pairs.h5";
  WriteExamples(x, file);
  const ExamplesReader reader(file);
  EXPECT_EQ(reader.size(), 10u);
  EXPECT_EQ(reader.task(), TaskType::kPairClassification);
  EXPECT_EQ(reader.format(), "xnli");
  EXPECT_EQ(reader.labels(), x.labels);
  EXPECT_TRUE(reader.header().examples.empty());

  Examples part = reader.header();
  part.examples = reader.Read(3, 4);
  Examples expected = x;
  expected.examples.assign(x.examples.begin() + 3, x.examples.begin() + 7);
  EXPECT_EQ(ExamplesDifference(expected, part), "");
  EXPECT_TRUE(reader.Read(10, 0).empty());
  EXPECT_EQ(reader.ReadColumn("text_b", 8, 2), (std::vector<std::string>{"hypothesis 8", "hypothesis 9"}));
  EXPECT_EQ(reader.ReadColumn("language", 4, 2), (std::vector<std::string>{"de", "fr"}));

  EXPECT_EQ(OutOfRangeMessage([&] { reader.Read(8, 3); }),
            file.string() + ": examples 8..11 are outside the 10 examples");
  EXPECT_EQ(OutOfRangeMessage([&] { reader.ReadColumn("id", 11, 0); }),
            file.string() + ": rows 11..11 of 'id' are outside the 10 examples");
  EXPECT_EQ(InputErrorMessage([&] { reader.ReadColumn("context", 0, 1); }),
            file.string() +
                ": examples artifact (task pair_classification) has no per-example string column 'context'");
}

// 70,000 one-token examples: more than one block of the offsets scan at open (65,536 rows).
class ExamplesReaderScan : public ::testing::Test {
 protected:
  static constexpr int64_t kExamples = 70000;

  void Write(const std::vector<int64_t>& tokens_offsets, const std::vector<int64_t>& tags_offsets) const {
    H5File h5(file_, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("examples"));
    h5.SetAttribute("/", "format", std::string("panx"));
    h5.SetAttribute("/", "task", std::string("tagging"));
    h5.SetAttribute("/", "version", int64_t{1});
    std::vector<std::string> ids, words;
    for (int64_t i = 0; i < kExamples; ++i) {
      ids.push_back(std::to_string(i));
      words.push_back("w" + std::to_string(i));
    }
    h5.WriteStrings("id", ids);
    h5.WriteStrings("language", std::vector<std::string>(kExamples, "de"));
    h5.WriteStrings("labels", {"O"});
    h5.WriteStrings("tokens", words);
    h5.WriteVector("tokens_offsets", tokens_offsets);
    h5.WriteStrings("tags", std::vector<std::string>(static_cast<size_t>(tags_offsets.back()), "O"));
    h5.WriteVector("tags_offsets", tags_offsets);
    h5.Close();
  }
  static std::vector<int64_t> OnePerExample() {
    std::vector<int64_t> offsets(kExamples + 1);
    for (int64_t i = 0; i <= kExamples; ++i) offsets[i] = i;
    return offsets;
  }

  TempDir dir_;
  fs::path file_ = dir_.path() / "scan.h5";
};

TEST_F(ExamplesReaderScan, ReadsAcrossScanBlocks) {
  Write(OnePerExample(), OnePerExample());
  const ExamplesReader reader(file_);
  const std::vector<Example> examples = reader.Read(65535, 3);
  ASSERT_EQ(examples.size(), 3u);
  EXPECT_EQ(examples[1].id, "65536");
  EXPECT_EQ(examples[1].tokens, std::vector<std::string>{"w65536"});
  EXPECT_EQ(examples[2].tags, std::vector<std::string>{"O"});
}

TEST_F(ExamplesReaderScan, FindsADecreaseAtTheStartOfTheSecondBlock) {
  std::vector<int64_t> tokens = OnePerExample();
  tokens[65536] = tokens[65535] - 1;
  Write(tokens, OnePerExample());
  EXPECT_EQ(InputErrorMessage([&] { ExamplesReader reader(file_); }),
            file_.string() + ": dataset 'tokens_offsets' decreases at index 65536");
}

TEST_F(ExamplesReaderScan, FindsATagCountMismatchInTheLastBlock) {
  std::vector<int64_t> tags = OnePerExample();
  tags.back() += 1;  // the last example gets two tags for its one token
  Write(OnePerExample(), tags);
  EXPECT_EQ(InputErrorMessage([&] { ExamplesReader reader(file_); }),
            file_.string() + ": example 69999 has 2 tags for 1 tokens (datasets 'tags_offsets' and 'tokens_offsets')");
}

TEST(ExamplesReader, RefusesANumericColumnOfTheWrongType) {
  TempDir dir;
  const fs::path file = dir.path() / "qa.h5";
  {
    H5File h5(file, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("examples"));
    h5.SetAttribute("/", "format", std::string("squad"));
    h5.SetAttribute("/", "task", std::string("span_qa"));
    h5.SetAttribute("/", "version", int64_t{1});
    for (const char* name : {"id", "language", "context", "question", "answer_text"}) h5.WriteStrings(name, {"x"});
    h5.WriteStrings("labels", {});
    h5.WriteVector<uint8_t>("is_impossible", {0});
    h5.WriteVector<int32_t>("answer_start", {0});
    h5.Close();
  }
  try {
    ExamplesReader reader(file);
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()),
              file.string() + ": dataset 'answer_start' is int32 of rank 1, expected a 1-d int64 array");
  }
}

}  // namespace
}  // namespace xstilts
