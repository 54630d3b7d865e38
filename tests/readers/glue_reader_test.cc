#include "data/readers/glue_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

TEST(GlueReader, ReadsMnliDevByColumnName) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "mnli/specimen/MNLI/dev_matched.tsv");
  const Examples ex = ReadMnli(path);
  EXPECT_EQ(ex.labels, (std::vector<std::string>{"contradiction", "entailment", "neutral"}));
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].id, "63735n");
  EXPECT_EQ(ex.examples[0].language, "en");
  EXPECT_EQ(ex.examples[0].text_a, "The new rights are nice enough");
  EXPECT_EQ(ex.examples[0].text_b, "Everyone really likes the newest benefits ");
  EXPECT_EQ(ex.examples[0].label, "neutral");
  EXPECT_EQ(ex.examples[1].label, "contradiction");
}

TEST(GlueReader, MnliTestFileHasNoLabels) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "mnli/specimen/MNLI/test_mismatched.tsv");
  const Examples ex = ReadMnli(path);
  ASSERT_EQ(ex.examples.size(), 1u);
  EXPECT_EQ(ex.examples[0].id, "16130");
  EXPECT_EQ(ex.examples[0].label, "");
  EXPECT_EQ(ex.CountLabelled(), 0);
}

TEST(GlueReader, ReadsQqpDevAndTest) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "qqp/specimen/QQP/dev.tsv");
  const Examples dev = ReadQqp(path);
  ASSERT_EQ(dev.examples.size(), 2u);
  EXPECT_EQ(dev.examples[0].id, "201359");
  EXPECT_EQ(dev.examples[0].text_a, "Why are African-Americans so beautiful?");
  EXPECT_EQ(dev.examples[0].text_b, "Why are hispanics so beautiful?");
  EXPECT_EQ(dev.examples[0].label, "0");
  const Examples test = ReadQqp(path.parent_path() / "test.tsv");
  ASSERT_EQ(test.examples.size(), 1u);
  EXPECT_EQ(test.examples[0].id, "0");
  EXPECT_EQ(test.CountLabelled(), 0);
}

TEST(GlueReader, ReadsSst2DevKeepingTrailingSpace) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "sst2/SST-2/dev.tsv");
  const Examples ex = ReadSst2(path);
  EXPECT_EQ(ex.task, TaskType::kSentenceClassification);
  ASSERT_EQ(ex.examples.size(), 872u);
  EXPECT_EQ(ex.examples[0].id, "0");
  EXPECT_EQ(ex.examples[0].text_a, "it 's a charming and often affecting journey . ");
  EXPECT_EQ(ex.examples[0].text_b, "");
  EXPECT_EQ(ex.examples[0].label, "1");
  EXPECT_EQ(ex.examples.back().id, "871");
  int positive = 0;
  for (const Example& e : ex.examples) positive += e.label == "1";
  EXPECT_EQ(positive, 444);
}

TEST(GlueReader, ReadsAnliWithFullLabelNames) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "anli/specimen/anli_v0.1/R1/dev.jsonl");
  const Examples ex = ReadAnli(path);
  ASSERT_EQ(ex.examples.size(), 3u);
  EXPECT_EQ(ex.examples[0].id, "bf628cf5-6948-4595-a6d0-daf99beb47b9");
  EXPECT_EQ(ex.examples[0].text_b, "Form and meaning are the only aspects of language linguistics is concerned with.");
  EXPECT_EQ(ex.examples[0].label, "contradiction");
  EXPECT_EQ(ex.examples[1].label, "entailment");
}

TEST(GlueReader, ReportsWrongFieldCountsAndLabels) {
  TempDir dir;
  const auto path = dir.Write("dev.tsv",
                              "id\tqid1\tqid2\tquestion1\tquestion2\tis_duplicate\n"
                              "1\t2\t3\tq1\tq2\t1\n"
                              "4\t5\t6\tq1 with a\ttab\tq2\t0\n"
                              "7\t8\t9\tq1\tq2\tyes\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadQqp(path); }),
            path.string() + ":3: expected 6 fields separated by a tab, got 7\n" +
            path.string() + ":4: expected a label out of 0, 1, got \"yes\"");
}

TEST(GlueReader, ReportsMissingColumns) {
  TempDir dir;
  const auto path = dir.Write("train.tsv", "index\tsentence1\tgold_label\n0\ta\tneutral\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadMnli(path); }),
            path.string() + ":1: expected a 'sentence2' column in the header, got index, sentence1, gold_label");
}

TEST(GlueReader, ReportsAnliLabelsOutsideENC) {
  TempDir dir;
  const auto path = dir.Write("dev.jsonl", "{\"uid\": \"u\", \"context\": \"c\", \"hypothesis\": \"h\", \"label\": \"x\"}\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadAnli(path); }),
            path.string() + ":1: expected a label out of e, n, c, got \"x\"");
}

}  // namespace
}  // namespace xstilts
