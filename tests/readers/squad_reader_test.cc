#include "data/readers/squad_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

// Every kept answer reads its text at byte_start: the code point -> byte mapping is right.
void ExpectAnswersAtByteOffsets(const Examples& ex) {
  for (const Example& e : ex.examples) {
    for (const Answer& a : e.answers) {
      ASSERT_EQ(e.context.compare(static_cast<size_t>(a.byte_start), a.text.size(), a.text), 0) << e.id;
    }
  }
}

TEST(SquadReader, ReadsSquadV11Dev) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "squad/dev-v1.1.json");
  const Examples ex = ReadSquad(path);
  EXPECT_EQ(ex.format, "squad");
  EXPECT_EQ(ex.task, TaskType::kSpanQa);
  ASSERT_EQ(ex.examples.size(), 10570u);
  EXPECT_EQ(ex.CountLabelled(), 10570);
  const Example& first = ex.examples[0];
  EXPECT_EQ(first.id, "56be4db0acb8001400a502ec");
  EXPECT_EQ(first.language, "en");
  EXPECT_EQ(first.question, "Which NFL team represented the AFC at Super Bowl 50?");
  ASSERT_EQ(first.answers.size(), 3u);
  EXPECT_EQ(first.answers[0].text, "Denver Broncos");
  EXPECT_EQ(first.answers[0].start, 177);
  EXPECT_EQ(ex.examples.back().answers[0].text, "sthène");
  ExpectAnswersAtByteOffsets(ex);
}

TEST(SquadReader, ReadsXquadHindiWithByteOffsets) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xquad/xquad.hi.json");
  const Examples ex = ReadSquad(path, {}, "xquad");
  ASSERT_EQ(ex.examples.size(), 1190u);
  EXPECT_EQ(ex.Languages(), std::vector<std::string>{"hi"});
  EXPECT_EQ(ex.examples[0].id, "56beb4343aeaaa14008c925b");
  EXPECT_EQ(ex.examples[0].answers[0].text, "308");
  EXPECT_EQ(ex.examples[0].answers[0].start, 35);
  const Answer& last = ex.examples.back().answers[0];
  EXPECT_EQ(last.text, "नियम-निष्ठता");
  EXPECT_EQ(last.start, 101);      // code points, as in the file
  EXPECT_EQ(last.byte_start, 261); // Devanagari is 3 bytes per code point in UTF-8
  ExpectAnswersAtByteOffsets(ex);
}

TEST(SquadReader, ReadsMlqaWithContextLanguage) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "mlqa/MLQA_V1/dev/dev-context-zh-question-zh.json");
  const Examples ex = ReadSquad(path, {}, "mlqa");
  ASSERT_EQ(ex.examples.size(), 504u);
  EXPECT_EQ(ex.examples[0].language, "zh");
  EXPECT_EQ(ex.examples[0].answers[0].text, "宪法保障宗教自由");
  EXPECT_EQ(ex.examples.back().answers[0].start, 20);
  EXPECT_EQ(ex.examples.back().answers[0].byte_start, 60);
  ExpectAnswersAtByteOffsets(ex);
}

TEST(SquadReader, ReadsSquadV2ImpossibleQuestions) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "squad/specimen_v2/dev-v2.0-small.json");
  const Examples ex = ReadSquad(path);
  ASSERT_EQ(ex.examples.size(), 14u);
  int impossible = 0;
  for (const Example& e : ex.examples) impossible += e.is_impossible;
  EXPECT_EQ(impossible, 6);
  EXPECT_EQ(ex.CountLabelled(), 14);
  const Example* charles = nullptr;
  for (const Example& e : ex.examples) {
    if (e.id == "5ad39d53604f3c001a3fe8d3") charles = &e;
  }
  ASSERT_NE(charles, nullptr);
  EXPECT_TRUE(charles->is_impossible);
  EXPECT_TRUE(charles->answers.empty());
  ASSERT_EQ(charles->plausible_answers.size(), 1u);
  EXPECT_EQ(charles->plausible_answers[0].text, "Rollo");
  EXPECT_EQ(charles->plausible_answers[0].start, 308);
}

TEST(SquadReader, XtremeTydiDevAnswersAreBlanked) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "tydiqa/xtreme/tydiqa.goldp.en.dev.json");
  const Examples ex = ReadSquad(path, {}, "tydiqa");
  ASSERT_EQ(ex.examples.size(), 440u);
  EXPECT_EQ(ex.examples[0].id, "english--3215621880858840488-2");
  EXPECT_EQ(ex.examples[0].language, "en");
  EXPECT_EQ(ex.CountLabelled(), 0);
}

TEST(SquadReader, RawTydiLanguageComesFromIds) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "tydiqa/raw_specimen/tydiqa-goldp-v1.1-dev.json");
  const Examples ex = ReadSquad(path, {}, "tydiqa");
  ASSERT_EQ(ex.examples.size(), 1u);
  EXPECT_EQ(ex.examples[0].language, "ar");
  EXPECT_EQ(ex.examples[0].answers[0].text, "بطولتين");
  EXPECT_EQ(ex.examples[0].answers[0].start, 394);
  ExpectAnswersAtByteOffsets(ex);
}

// answer_start counts code points (Python str indices), not UTF-16 units: 😀 is one.
TEST(SquadReader, OffsetsAreCodePointsOutsideTheBmp) {
  TempDir dir;
  const auto path = dir.Write("xquad.en.json",
                              R"({"data": [{"paragraphs": [{"context": "😀 smile \ud83d\ude00 wide",)"
                              R"( "qas": [{"id": "q1", "question": "?", "answers": [{"text": "wide", "answer_start": 10}]}]}]}]})");
  const Examples ex = ReadSquad(path, {}, "xquad");
  ASSERT_EQ(ex.examples.size(), 1u);
  EXPECT_EQ(ex.examples[0].answers[0].start, 10);
  EXPECT_EQ(ex.examples[0].answers[0].byte_start, 16);
}

TEST(SquadReader, ReportsAnswerMismatchesWithJsonPath) {
  TempDir dir;
  const auto path = dir.Write("xquad.de.json", R"({"data": [{"paragraphs": [
      {"context": "Paris ist groß.", "qas": [
        {"id": "a", "question": "?", "answers": [{"text": "groß", "answer_start": 10}]},
        {"id": "b", "question": "?", "answers": [{"text": "groß", "answer_start": 9}]},
        {"id": "c", "question": "?", "answers": [{"text": "groß.", "answer_start": 12}]}]}]}]})");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(path, {}, "xquad"); }),
            path.string() + ": $.data[0].paragraphs[0].qas[1].answers[0]: expected the context at code point 9 to "
                            "read \"groß\", got \" gro\"\n" +
            path.string() + ": $.data[0].paragraphs[0].qas[2].answers[0]: expected answer_start from 0 to 10 (the "
                            "context has 15 code points, the answer 5), got 12");
  ReadOptions lax;
  lax.verify_answers = false;
  EXPECT_EQ(ReadSquad(path, lax, "xquad").examples.size(), 3u);
}

TEST(SquadReader, ReportsStructureErrorsWithJsonPath) {
  TempDir dir;
  const auto path = dir.Write("xquad.de.json",
                              R"({"data": [{"paragraphs": [{"context": "x", "qas": [{"id": "a", "answers": []}]}]}]})");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(path); }),
            path.string() + ": $.data[0].paragraphs[0].qas[0]: expected a member \"question\", got none");
  const auto bad_type = dir.Write("xquad.es.json", R"({"data": {"paragraphs": []}})");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(bad_type); }),
            bad_type.string() + ": $.data: expected an array, got an object");
  const auto not_json = dir.Write("xquad.ru.json", "{\"data\": [\n  {,}\n]}");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(not_json); }),
            not_json.string() + ":2: expected JSON, got a syntax error at column 4: syntax error while parsing "
                                "object key - unexpected ','; expected string literal");
}

// Found by fuzzing: a number past the range of a double escaped as a library exception with no
// file or line (the 7 bytes `[6e560#`).
TEST(SquadReader, NumberTooLargeIsAnInputErrorWithItsLine) {
  TempDir dir;
  const auto fuzzed = dir.Write("xquad.fi.json", "[6e560#");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(fuzzed); }),
            fuzzed.string() + ":1: expected JSON, got a number too large to represent at column 2");
  const auto overflow = dir.Write("xquad.el.json", "{\"version\": 1,\n \"data\": 1e400}");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(overflow); }),
            overflow.string() + ":2: expected JSON, got a number too large to represent at column 10");
}

TEST(SquadReader, AsksForLanguageWhenItCannotTell) {
  TempDir dir;
  const auto path = dir.Write("qa.json", R"({"data": [{"paragraphs": [{"context": "x", "qas": [{"id": "q7", "question": "?", "answers": []}]}]}]})");
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(path, {}, "xquad"); }),
            path.string() + ": $.data[0].paragraphs[0].qas[0].id: cannot tell the language from the file name or the "
                            "id \"q7\"; set the 'language' option");
  EXPECT_EQ(ReadSquad(path).examples[0].language, "en");  // format "squad" is English
}

}  // namespace
}  // namespace xstilts
