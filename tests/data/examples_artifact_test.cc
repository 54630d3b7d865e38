#include "data/examples_artifact.h"

#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "data/h5_file.h"
#include "data/readers/read_dataset.h"
#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::InputErrorMessage;
using testing::TempDir;

Examples RoundTrip(const Examples& examples, const TempDir& dir) {
  const fs::path file = dir.path() / "examples.h5";
  WriteExamples(examples, file);
  return ReadExamples(file);
}

// Reads an artifact with an ExamplesReader in ranges of 1, 4, 13, 40, ... examples.
Examples ReadInRanges(const fs::path& file) {
  const ExamplesReader reader(file);
  Examples out = reader.header();
  uint64_t count = 1;
  for (uint64_t first = 0; first < reader.size(); first += count, count = 3 * count + 1) {
    std::vector<Example> part = reader.Read(first, std::min(count, reader.size() - first));
    out.examples.insert(out.examples.end(), part.begin(), part.end());
  }
  return out;
}

// Reads a real file, writes it, reads the artifact back (whole, and by ranges) and compares every
// field.
void ExpectExactRoundTrip(const std::string& format, const fs::path& path) {
  const Examples original = ReadDataset(format, path);
  ASSERT_TRUE(!original.examples.empty() || !original.parallel.source_ids.empty()) << path;
  TempDir dir;
  const Examples back = RoundTrip(original, dir);
  EXPECT_EQ(ExamplesDifference(original, back), "") << path;
  EXPECT_EQ(ExamplesDifference(original, ReadInRanges(dir.path() / "examples.h5")), "") << path;
}

TEST(ExamplesArtifact, RoundTripXnliPairClassification) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xtreme/dev-de.tsv");
  ExpectExactRoundTrip("xnli", path);
}

TEST(ExamplesArtifact, RoundTripXnliUnlabelledTestFile) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xtreme/test-en.tsv");
  ExpectExactRoundTrip("xnli", path);
}

TEST(ExamplesArtifact, RoundTripSst2SentenceClassification) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "sst2/SST-2/dev.tsv");
  ExpectExactRoundTrip("sst2", path);
}

TEST(ExamplesArtifact, RoundTripUdposTagging) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "udpos/xtreme/dev-ja.tsv");
  ExpectExactRoundTrip("udpos", path);
}

TEST(ExamplesArtifact, RoundTripPanxTagging) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "panx/xtreme/dev-zh.tsv");
  ExpectExactRoundTrip("panx", path);
}

TEST(ExamplesArtifact, RoundTripXquadSpanQa) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xquad/xquad.ar.json");
  ExpectExactRoundTrip("xquad", path);
}

TEST(ExamplesArtifact, RoundTripSquadV2ImpossibleAndPlausibleAnswers) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "squad/specimen_v2/dev-v2.0-small.json");
  const Examples original = ReadDataset("squad", path);
  int impossible = 0;
  for (const Example& e : original.examples) impossible += e.is_impossible && !e.plausible_answers.empty();
  ASSERT_GT(impossible, 0) << "the specimen should hold impossible questions with plausible answers";
  ExpectExactRoundTrip("squad", path);
}

TEST(ExamplesArtifact, RoundTripHellaswagMultipleChoice) {
  XSTILTS_SHARED_DATA_OR_SKIP(val, "hellaswag/specimen/hellaswag_val.jsonl");
  ExpectExactRoundTrip("hellaswag", val);
  XSTILTS_SHARED_DATA_OR_SKIP(test, "hellaswag/specimen/hellaswag_test.jsonl");
  ExpectExactRoundTrip("hellaswag", test);
}

TEST(ExamplesArtifact, RoundTripBuccParallelSentences) {
  XSTILTS_SHARED_DATA_OR_SKIP(gold, "bucc2018/xtreme/zh-en.dev.gold");
  ExpectExactRoundTrip("bucc2018", gold.parent_path() / "zh-en.dev");
}

TEST(ExamplesArtifact, RoundTripTatoebaParallelSentences) {
  XSTILTS_SHARED_DATA_OR_SKIP(arabic, "tatoeba/v1/tatoeba.ara-eng.ara");
  ExpectExactRoundTrip("tatoeba", arabic.parent_path() / "tatoeba.ara-eng");
}

// The layout is plain arrays: the ragged tokens of example i are tokens[offsets[i]:offsets[i+1]].
TEST(ExamplesArtifact, RaggedFieldsAreFlatArraysWithOffsets) {
  Examples x;
  x.format = "udpos";
  x.task = TaskType::kTagging;
  x.labels = {"NOUN", "VERB"};
  x.examples.resize(3);
  x.examples[0] = Example{"s0", "de", "", "", "", {"Hunde", "bellen"}, {"NOUN", "VERB"}};
  x.examples[1] = Example{"s1", "de", "", "", "", {}, {}};
  x.examples[2] = Example{"s2", "ja", "", "", "", {"犬"}, {}};  // untagged
  TempDir dir;
  const fs::path file = dir.path() / "t.h5";
  WriteExamples(x, file);
  H5File h5(file, H5File::Mode::kReadOnly);
  EXPECT_EQ(h5.GetStringAttribute("/", "kind"), "examples");
  EXPECT_EQ(h5.GetStringAttribute("/", "task"), "tagging");
  EXPECT_EQ(h5.GetStringAttribute("/", "format"), "udpos");
  EXPECT_EQ(h5.GetIntAttribute("/", "version"), 1);
  EXPECT_EQ(h5.List("/"), (std::vector<std::string>{"id", "labels", "language", "tags", "tags_offsets", "tokens",
                                                    "tokens_offsets"}));
  EXPECT_EQ(h5.ReadStrings("tokens"), (std::vector<std::string>{"Hunde", "bellen", "犬"}));
  EXPECT_EQ(h5.ReadVector<int64_t>("tokens_offsets"), (std::vector<int64_t>{0, 2, 2, 3}));
  EXPECT_EQ(h5.ReadVector<int64_t>("tags_offsets"), (std::vector<int64_t>{0, 2, 2, 2}));
  EXPECT_EQ(ExamplesDifference(x, ReadExamples(file)), "");
  EXPECT_EQ(ExamplesDifference(x, ReadInRanges(file)), "");
}

TEST(ExamplesArtifact, QaAnswersKeepBothOffsets) {
  Examples x;
  x.format = "squad";
  x.task = TaskType::kSpanQa;
  Example e;
  e.id = "q1";
  e.language = "de";
  e.context = "Größe: 😀 fünf";
  e.question = "Wie groß?";
  e.answers = {Answer{"fünf", 9, 15}};
  x.examples.push_back(e);
  e.id = "q2";
  e.answers.clear();
  e.is_impossible = true;
  e.plausible_answers = {Answer{"Größe", 0, 0}, Answer{"😀", 7, 8}};
  x.examples.push_back(e);
  TempDir dir;
  const Examples back = RoundTrip(x, dir);
  EXPECT_EQ(ExamplesDifference(x, back), "");
  EXPECT_EQ(ExamplesDifference(x, ReadInRanges(dir.path() / "examples.h5")), "");
  H5File h5(dir.path() / "examples.h5", H5File::Mode::kReadOnly);
  EXPECT_EQ(h5.ReadVector<int64_t>("answer_offsets"), (std::vector<int64_t>{0, 1, 1}));
  EXPECT_EQ(h5.ReadVector<int64_t>("plausible_byte_start"), (std::vector<int64_t>{0, 8}));
  EXPECT_EQ(h5.ReadVector<uint8_t>("is_impossible"), (std::vector<uint8_t>{0, 1}));
}

TEST(ExamplesArtifact, EmptyExamplesRoundTrip) {
  for (TaskType task : {TaskType::kPairClassification, TaskType::kTagging, TaskType::kSpanQa,
                        TaskType::kMultipleChoice, TaskType::kParallelSentences}) {
    Examples x;
    x.format = "none";
    x.task = task;
    TempDir dir;
    EXPECT_EQ(ExamplesDifference(x, RoundTrip(x, dir)), "") << TaskTypeName(task);
  }
}

TEST(ExamplesArtifact, DifferenceNamesTheExampleAndField) {
  Examples a;
  a.task = TaskType::kPairClassification;
  a.examples = {Example{"7", "de", "Ein Hund.", "Ein Tier.", "entailment"}};
  Examples b = a;
  EXPECT_EQ(ExamplesDifference(a, b), "");
  b.examples[0].text_b = "Eine Katze.";
  EXPECT_EQ(ExamplesDifference(a, b), "examples[0] (id 7, de): text_b: \"Ein Tier.\" vs \"Eine Katze.\"");
  b = a;
  b.parallel.gold = {{0, 1}};
  EXPECT_EQ(ExamplesDifference(a, b), "parallel.gold: 0 vs 1 pairs");
}

std::string InvalidArgumentMessage(const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no std::invalid_argument)";
}

TEST(ExamplesArtifact, WriteRefusesFieldsTheTaskDoesNotStore) {
  Examples x;
  x.format = "udpos";
  x.task = TaskType::kTagging;
  x.examples = {Example{"3", "en", "a sentence"}};
  TempDir dir;
  const fs::path file = dir.path() / "x.h5";
  EXPECT_EQ(InvalidArgumentMessage([&] { WriteExamples(x, file); }),
            "examples[0] (id '3', language 'en'): has text_a, which a tagging artifact does not store");
  x.examples = {Example{"4", "en", "", "", "", {"a", "b"}, {"DET"}}};
  EXPECT_EQ(InvalidArgumentMessage([&] { WriteExamples(x, file); }),
            "examples[0] (id '4', language 'en'): 1 tags for 2 tokens");
  x.task = TaskType::kPairClassification;
  x.examples = {Example{"5", "en", "nul\0byte"}};
  x.examples[0].text_a = std::string("nul\0byte", 8);
  EXPECT_EQ(InvalidArgumentMessage([&] { WriteExamples(x, file); }),
            "text_a[0] contains a NUL byte, which an HDF5 string cannot hold");
}

TEST(ExamplesArtifact, ReadingAnotherKindNamesTheFileAndKind) {
  TempDir dir;
  const fs::path file = dir.path() / "tokens.h5";
  {
    H5File h5(file, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("tokens"));
    h5.Close();
  }
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": expected an examples artifact, got kind 'tokens'");
}

TEST(ExamplesArtifact, ReadingAMissingDatasetNamesTheFileAndDataset) {
  TempDir dir;
  const fs::path file = dir.path() / "partial.h5";
  {
    H5File h5(file, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("examples"));
    h5.SetAttribute("/", "format", std::string("xnli"));
    h5.SetAttribute("/", "task", std::string("pair_classification"));
    h5.SetAttribute("/", "version", int64_t{1});
    h5.WriteStrings("id", {"0"});
    h5.WriteStrings("language", {"de"});
    h5.WriteStrings("labels", {});
    h5.WriteStrings("text_a", {"Ein Satz."});
    h5.Close();
  }
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": examples artifact (task pair_classification) has no dataset 'text_b'");
}

TEST(ExamplesArtifact, ReadingInconsistentArraysIsAnError) {
  TempDir dir;
  const fs::path file = dir.path() / "bad.h5";
  const auto write = [&](const std::vector<int64_t>& offsets, int64_t version) {
    H5File h5(file, H5File::Mode::kCreate);
    h5.SetAttribute("/", "kind", std::string("examples"));
    h5.SetAttribute("/", "format", std::string("hellaswag"));
    h5.SetAttribute("/", "task", std::string("multiple_choice"));
    h5.SetAttribute("/", "version", version);
    for (const char* name : {"id", "language", "context", "question", "label"}) h5.WriteStrings(name, {"x", "y"});
    h5.WriteStrings("labels", {"0", "1"});
    h5.WriteStrings("choices", {"a", "b", "c", "d"});
    h5.WriteVector("choices_offsets", offsets);
    h5.Close();
  };
  write({0, 2, 3}, 1);
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": dataset 'choices_offsets' must run from 0 to 4, got 0 to 3");
  write({0, 3, 2}, 1);
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": dataset 'choices_offsets' decreases at index 2");
  write({0, 2}, 1);
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": dataset 'choices_offsets' has 2 values, expected 3");
  write({0, 2, 4}, 2);
  EXPECT_EQ(InputErrorMessage([&] { ReadExamples(file); }),
            file.string() + ": examples artifact has layout version 2; this program reads versions 1 to 1");
  write({0, 2, 4}, 1);
  EXPECT_EQ(ReadExamples(file).examples[1].choices, (std::vector<std::string>{"c", "d"}));
}

}  // namespace
}  // namespace xstilts
