#include "data/readers/squad_reader.h"

#include <gtest/gtest.h>

#include "data/readers/read_dataset.h"
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

// XTREME's translate-train SQuAD (gs://xtreme_translations/SQuAD/translate-train/
// squad.translate.train.en-<lang>.json) keeps SQuAD v1.1's schema and question ids; context,
// question and answer are machine translations, and nothing guarantees that the translated
// answer is found at its answer_start. verify_answers: "drop" leaves such answers out, and a
// question with no answer left, and says how many. Rows written here by hand in that schema.
TEST(SquadReader, DropModeLeavesOutAnswersThatDoNotReadTheirTextAndNamesTheTranslation) {
  TempDir dir;
  const auto path = dir.Write("squad.translate.train.en-de.json", R"({"version": "1.1", "data": [{"title": "Paris",
      "paragraphs": [
      {"context": "Paris ist groß.", "qas": [
        {"id": "5733be284776f41900661182", "question": "Wie ist Paris?", "answers": [{"text": "groß", "answer_start": 10}]}]},
      {"context": "Paris ist groß.", "qas": [
        {"id": "5733be284776f4190066117f", "question": "Was ist groß?", "answers": [{"text": "Paris", "answer_start": 3}]}]},
      {"context": "Paris ist sehr groß.", "qas": [
        {"id": "5733be284776f41900661180", "question": "Wie groß?", "answers": [
          {"text": "sehr groß", "answer_start": 10}, {"text": "sehr groß.", "answer_start": 30}]}]}]}]})");
  ReadOptions drop = ParseReadOptions("squad", {{"verify_answers", "drop"}});
  EXPECT_TRUE(drop.verify_answers);
  EXPECT_TRUE(drop.drop_unverified_answers);
  const Examples ex = ReadSquad(path, drop, "squad");
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].id, "5733be284776f41900661182");
  EXPECT_EQ(ex.examples[0].language, "de");  // the language translated into
  EXPECT_EQ(ex.examples[1].id, "5733be284776f41900661180");
  ASSERT_EQ(ex.examples[1].answers.size(), 1u);  // the out-of-range second answer left out
  EXPECT_EQ(ex.examples[1].answers[0].text, "sehr groß");
  EXPECT_EQ(ex.notes, (std::vector<std::string>{
                          "verify_answers: drop: 2 answers left out (the context does not read their text at their "
                          "answer_start), and with them 1 of 3 questions, which had no other answer"}));
  // The default still refuses the file, naming every mismatch.
  EXPECT_EQ(InputErrorMessage([&] { ReadSquad(path); }),
            path.string() + ": $.data[0].paragraphs[1].qas[0].answers[0]: expected the context at code point 3 to "
                            "read \"Paris\", got \"is is\"\n" +
            path.string() + ": $.data[0].paragraphs[2].qas[0].answers[1]: expected answer_start from 0 to 10 (the "
                            "context has 20 code points, the answer 10), got 30");
  // A clean file has no note.
  EXPECT_TRUE(ReadSquad(dir.Write("xquad.de.json", R"({"data": [{"paragraphs": [{"context": "ab", "qas": [
      {"id": "x", "question": "?", "answers": [{"text": "b", "answer_start": 1}]}]}]}]})"), drop).notes.empty());
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
