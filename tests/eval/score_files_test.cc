#include "eval/score_files.h"

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "tests/eval/temp_tree.h"

namespace xstilts {
namespace {

using testing::TempTree;

// Runs `read` and returns the InputError message, or "" when nothing was thrown.
template <typename F>
std::string ErrorOf(F read) {
  try {
    read();
  } catch (const InputError& e) {
    return e.what();
  }
  return "";
}

TEST(ScoreFiles, LabelFileRejectsBlankAndMultiFieldLines) {
  TempTree tree;
  const auto blank = tree.Write("blank.tsv", "1\n\n0\n");
  EXPECT_EQ(ErrorOf([&] { ReadLabelFile(blank); }),
            blank.string() + ":2: empty line; expected one label per line");
  const auto two = tree.Write("two.tsv", "1\nsentence\t0\n");
  EXPECT_EQ(ErrorOf([&] { ReadLabelFile(two); }),
            two.string() + ":2: expected one label per line, found 2 fields: 'sentence\t0'");
  const auto ok = tree.Write("ok.tsv", " entailment \r\nneutral");
  const LineValues values = ReadLabelFile(ok);
  EXPECT_EQ(values.values, (std::vector<std::string>{"entailment", "neutral"}));
}

TEST(ScoreFiles, IndexFileNeedsIntegers) {
  TempTree tree;
  const auto bad = tree.Write("bad.tsv", "0\n1x\n");
  EXPECT_EQ(ErrorOf([&] { ReadIndexFile(bad); }),
            bad.string() + ":2: expected a non-negative integer index, found '1x'");
}

TEST(ScoreFiles, TagFileSplitsSentencesLikeReadTag) {
  TempTree tree;
  // Line 3 ends sentence 1; line 4 (a second blank) makes an empty sentence; the last sentence
  // has no blank line after it and still counts.
  const auto path = tree.Write("tags.tsv", "B-PER\nO\n\n\nI-LOC\n");
  const TagFile tags = ReadTagFile(path);
  ASSERT_EQ(tags.sentences.size(), 3u);
  EXPECT_EQ(tags.sentences[0], (std::vector<std::string>{"B-PER", "O"}));
  EXPECT_TRUE(tags.sentences[1].empty());
  EXPECT_EQ(tags.sentences[2], (std::vector<std::string>{"I-LOC"}));
  EXPECT_EQ(tags.first_lines, (std::vector<long>{1, 4, 5}));
  const auto tokens = tree.Write("tokens.tsv", "Paris B-LOC\n");
  EXPECT_EQ(ErrorOf([&] { ReadTagFile(tokens); }),
            tokens.string() + ":1: expected one tag per line, found 2 fields: 'Paris B-LOC'");
}

TEST(ScoreFiles, PairFileNeedsTwoTabSeparatedIds) {
  TempTree tree;
  const auto ok = tree.Write("ok.tsv", "de-1\ten-1\nde-2\ten-9\n");
  EXPECT_EQ(ReadPairFile(ok), (std::vector<BuccPair>{{"de-1", "en-1"}, {"de-2", "en-9"}}));
  const auto bad = tree.Write("bad.tsv", "de-1\ten-1\nde-2 en-9\n");
  EXPECT_EQ(ErrorOf([&] { ReadPairFile(bad); }),
            bad.string() + ":2: expected 'source_id<TAB>target_id', found 'de-2 en-9'");
}

TEST(ScoreFiles, QaGoldAcceptsDataObjectOrBareList) {
  TempTree tree;
  const std::string articles =
      R"([{"title": "t", "paragraphs": [{"context": "c", "qas": [)"
      R"({"id": "q1", "question": "?", "answers": [{"text": "A", "answer_start": 0}, {"text": "B"}]},)"
      R"({"id": "q2", "answers": [{"text": "C"}]}]}]}])";
  const auto wrapped = tree.Write("wrapped.json", R"({"version": "1.1", "data": )" + articles + "}");
  const auto bare = tree.Write("bare.json", articles);
  for (const auto& path : {wrapped, bare}) {
    const std::vector<QaQuestion> gold = ReadQaGoldFile(path);
    ASSERT_EQ(gold.size(), 2u);
    EXPECT_EQ(gold[0].id, "q1");
    EXPECT_EQ(gold[0].answers, (std::vector<std::string>{"A", "B"}));
    EXPECT_EQ(gold[1].answers, (std::vector<std::string>{"C"}));
  }
}

TEST(ScoreFiles, QaGoldErrorsNameTheJsonPath) {
  TempTree tree;
  const auto no_answers = tree.Write(
      "g.json",
      R"({"data": [{"paragraphs": [{"qas": [{"id": "q1", "answers": [{"text": "a"}]}, {"id": "q2", "answers": []}]}]}]})");
  EXPECT_EQ(ErrorOf([&] { ReadQaGoldFile(no_answers); }),
            no_answers.string() +
                ": $.data[0].paragraphs[0].qas[1].answers: no gold answers (every question needs "
                "at least one)");
  const auto numeric_id = tree.Write("n.json", R"([{"paragraphs": [{"qas": [{"id": 7}]}]}])");
  EXPECT_EQ(ErrorOf([&] { ReadQaGoldFile(numeric_id); }),
            numeric_id.string() + ": $[0].paragraphs[0].qas[0].id: expected a string, found number");
  const auto no_data = tree.Write("d.json", R"({"version": "1.1"})");
  EXPECT_EQ(ErrorOf([&] { ReadQaGoldFile(no_data); }),
            no_data.string() + ": $: missing member \"data\"");
}

TEST(ScoreFiles, QaPredictionsMustMapIdsToStrings) {
  TempTree tree;
  const auto ok = tree.Write("p.json", R"({"q1": "Paris", "q2": ""})");
  EXPECT_EQ(ReadQaPredictionFile(ok),
            (std::map<std::string, std::string>{{"q1", "Paris"}, {"q2", ""}}));
  const auto number = tree.Write("n.json", R"({"q1": "a", "q-2": 5})");
  EXPECT_EQ(ErrorOf([&] { ReadQaPredictionFile(number); }),
            number.string() + R"(: $["q-2"]: expected a string answer, found number)");
  const auto list = tree.Write("l.json", R"(["a"])");
  EXPECT_EQ(ErrorOf([&] { ReadQaPredictionFile(list); }),
            list.string() + ": $: expected an object {question id: answer}, found array");
}

TEST(ScoreFiles, InvalidJsonNamesTheLine) {
  TempTree tree;
  const auto bad = tree.Write("bad.json", "{\n  \"q1\": \"a\",\n  \"q2\": }\n");
  EXPECT_EQ(ErrorOf([&] { ReadQaPredictionFile(bad); }),
            bad.string() +
                ":3: invalid JSON: parse error at line 3, column 9: syntax error while parsing "
                "value - unexpected '}'; expected '[', '{', or a literal");
}

TEST(ScoreFiles, MissingFileIsAnInputError) {
  TempTree tree;
  const auto path = tree.root() / "absent.tsv";
  EXPECT_EQ(ErrorOf([&] { ReadLabelFile(path); }),
            path.string() + ": cannot read (No such file or directory)");
}

}  // namespace
}  // namespace xstilts
