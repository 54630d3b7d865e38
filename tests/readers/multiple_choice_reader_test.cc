#include "data/readers/multiple_choice_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

using Strings = std::vector<std::string>;

TEST(HellaswagReader, ReadsValidation) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "hellaswag/specimen/hellaswag_val.jsonl");
  const Examples ex = ReadHellaswag(path);
  EXPECT_EQ(ex.task, TaskType::kMultipleChoice);
  EXPECT_EQ(ex.labels, (Strings{"0", "1", "2", "3"}));
  ASSERT_EQ(ex.examples.size(), 2u);
  const Example& e = ex.examples[0];
  EXPECT_EQ(e.id, "24");
  EXPECT_EQ(e.context, "A man is sitting on a roof.");
  EXPECT_EQ(e.question, "he");
  EXPECT_EQ(e.choices, (Strings{"is using wrap to wrap a pair of skis.", "is ripping level tiles off.",
                                "is holding a rubik's cube.", "starts pulling up roofing on a roof."}));
  EXPECT_EQ(e.label, "3");
}

TEST(HellaswagReader, TestFileHasNoLabels) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "hellaswag/specimen/hellaswag_test.jsonl");
  const Examples ex = ReadHellaswag(path);
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.CountLabelled(), 0);
  EXPECT_EQ(ex.examples[1].id, "71");
}

TEST(CosmosQaReader, ReadsValidCsv) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "cosmosqa/valid.csv");
  const Examples ex = ReadCosmosQa(path);
  EXPECT_EQ(ex.labels, (Strings{"0", "1", "2", "3"}));
  ASSERT_EQ(ex.examples.size(), 2985u);
  const Example& first = ex.examples[0];
  EXPECT_EQ(first.id,
            "3BFF0DJK8XA7YNK4QYIGCOG1A95STE##3180JW2OT5AF02OISBX66RFOCTG5J7##A2LTOS0AZ3B28A##Blog_56156##q1_a1##"
            "378G7J1SJNCDAAIN46FM2P7T6KZEW2");
  EXPECT_EQ(first.context.rfind("Do i need to go for a legal divorce ? I wanted to marry a woman", 0), 0u);
  EXPECT_EQ(first.question, "Why is this person asking about divorce ?");
  EXPECT_EQ(first.choices[3], "None of the above choices .");
  EXPECT_EQ(first.label, "1");
  const Example& last = ex.examples.back();
  EXPECT_EQ(last.choices, (Strings{"Happy", "Pensive", "Observant", "None of the above choices ."}));
  EXPECT_EQ(last.label, "0");  // the file has no final line end
  int label2 = 0;
  for (const Example& e : ex.examples) label2 += e.label == "2";
  EXPECT_EQ(label2, 761);
}

TEST(CosmosQaReader, ReadsQuotedCommasQuotesAndNewlines) {
  TempDir dir;
  const auto path = dir.Write("train.csv",
                              "id,context,question,answer0,answer1,label\r\n"
                              "q1,\"One, two.\r\nThree \"\"four\"\".\",Why ?,A,\"B, C\",1\r\n");
  const Examples ex = ReadCosmosQa(path);
  ASSERT_EQ(ex.examples.size(), 1u);
  EXPECT_EQ(ex.examples[0].context, "One, two.\r\nThree \"four\".");
  EXPECT_EQ(ex.examples[0].choices, (Strings{"A", "B, C"}));
  EXPECT_EQ(ex.labels, (Strings{"0", "1"}));
}

TEST(CosmosQaReader, ReportsBadRows) {
  TempDir dir;
  const auto path = dir.Write("valid.csv",
                              "id,context,question,answer0,answer1,answer2,answer3,label\n"
                              "a,c,q,0,1,2,3,4\n"
                              "b,c,q,0,1,2,3\n"
                              "c,\"c\"x,q,0,1,2,3,0\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadCosmosQa(path); }),
            path.string() + ":2: expected a label from 0 to 3, got \"4\"\n" +
            path.string() + ":3: expected 8 fields separated by a comma, got 7\n" +
            path.string() + ":4: expected ',' or the end of the line after a closing quote, got 'x'");
}

TEST(CommonsenseQaReader, ReadsDevAndTest) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "commonsenseqa/specimen/dev_rand_split.jsonl");
  const Examples ex = ReadCommonsenseQa(path);
  EXPECT_EQ(ex.labels, (Strings{"0", "1", "2", "3", "4"}));
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].id, "1afa02df02c908a558b4036e80242fac");
  EXPECT_EQ(ex.examples[0].question,
            "A revolving door is convenient for two direction travel, but it also serves as a security measure at a what?");
  EXPECT_EQ(ex.examples[0].choices, (Strings{"bank", "library", "department store", "mall", "new york"}));
  EXPECT_EQ(ex.examples[0].label, "0");
  const Examples test = ReadCommonsenseQa(path.parent_path() / "test_rand_split_no_answers.jsonl");
  EXPECT_EQ(test.CountLabelled(), 0);
}

TEST(CommonsenseQaReader, ReportsUnknownAnswerKeyAndChoiceCount) {
  TempDir dir;
  const auto path = dir.Write("dev.jsonl",
                              R"({"id": "1", "answerKey": "B", "question": {"stem": "s", "choices": [{"label": "A", "text": "x"}, {"label": "B", "text": "y"}]}})"
                              "\n"
                              R"({"id": "2", "answerKey": "C", "question": {"stem": "s", "choices": [{"label": "A", "text": "x"}, {"label": "B", "text": "y"}]}})"
                              "\n"
                              R"({"id": "3", "question": {"stem": "s", "choices": [{"label": "A", "text": "x"}]}})"
                              "\n"
                              R"({"id": "4", "question": {"stem": "s", "choices": [{"label": "A"}]}})"
                              "\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadCommonsenseQa(path); }),
            path.string() + ":2: expected an answerKey out of A, B, got \"C\"\n" +
            path.string() + ":3: expected 2 choices as on line 1, got 1\n" +
            path.string() + ":4: $.question.choices[0]: expected a member \"text\", got none");
}

}  // namespace
}  // namespace xstilts
