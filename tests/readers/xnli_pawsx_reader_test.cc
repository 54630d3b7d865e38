#include "data/readers/xnli_pawsx_reader.h"

#include <gtest/gtest.h>

#include "data/readers/read_dataset.h"
#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

const std::vector<std::string> kNli = {"contradiction", "entailment", "neutral"};

TEST(XnliReader, ReadsXtremeDevFile) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xtreme/dev-de.tsv");
  const Examples ex = ReadXnli(path);
  EXPECT_EQ(ex.format, "xnli");
  EXPECT_EQ(ex.task, TaskType::kPairClassification);
  EXPECT_EQ(ex.labels, kNli);
  ASSERT_EQ(ex.examples.size(), 2490u);
  EXPECT_EQ(ex.CountLabelled(), 2490);
  const Example& first = ex.examples.front();
  EXPECT_EQ(first.id, "0");
  EXPECT_EQ(first.language, "de");
  EXPECT_EQ(first.text_a, "und er hat gesagt, Mama ich bin daheim.");
  EXPECT_EQ(first.text_b, "Er rief seine Mutter an, sobald er aus dem Schulbus stieg.");
  EXPECT_EQ(first.label, "neutral");  // CRLF line end not part of the label
  const Example& last = ex.examples.back();
  EXPECT_EQ(last.id, "2489");
  EXPECT_EQ(last.text_b, "Aussage ist vorzuziehen.");
  EXPECT_EQ(last.label, "entailment");
  int neutral = 0;
  for (const Example& e : ex.examples) neutral += e.label == "neutral";
  EXPECT_EQ(neutral, 830);
}

// U+FEFF inside a sentence is a zero-width no-break space (line 2296 of the Hindi dev set): text,
// unlike a byte-order mark that starts a line, which means concatenated files and is refused.
TEST(XnliReader, KeepsZeroWidthNoBreakSpaceInsideASentence) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xtreme/dev-hi.tsv");
  const Examples ex = ReadXnli(path);
  ASSERT_EQ(ex.examples.size(), 2490u);
  int with_feff = 0;
  for (const Example& e : ex.examples) {
    with_feff += (e.text_a + e.text_b).find("\xEF\xBB\xBF") != std::string::npos;
  }
  EXPECT_GE(with_feff, 1);
}

TEST(XnliReader, XtremeTestFileHasNoLabels) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xtreme/test-en.tsv");
  const Examples ex = ReadXnli(path);
  ASSERT_EQ(ex.examples.size(), 5010u);
  EXPECT_EQ(ex.CountLabelled(), 0);
  EXPECT_EQ(ex.examples[0].language, "en");
  EXPECT_EQ(ex.examples[0].text_b, "I havent spoken to him again.");
  EXPECT_EQ(ex.examples.back().text_b, "A 200,000 word novel for $25 is 8,000 words per dollar.");
}

TEST(XnliReader, ReadsXglueFileWithLanguageFromFolder) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/xglue_de/test.txt");
  const Examples ex = ReadXnli(path);
  ASSERT_EQ(ex.examples.size(), 5010u);
  EXPECT_EQ(ex.Languages(), std::vector<std::string>{"de"});
  EXPECT_EQ(ex.CountLabelled(), 5010);
  EXPECT_EQ(ex.examples[0].text_b, "Ich habe nicht wieder mit ihm gesprochen.");
  EXPECT_EQ(ex.examples[0].label, "contradiction");
  EXPECT_EQ(ex.examples.back().label, "entailment");
}

// The macro's argument must be spelled `path`: it also replaces the `path` of std::filesystem::path.
TEST(XnliReader, ReadsRawXnliTsv) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/raw_specimen/XNLI-1.0/xnli.dev.tsv");
  const Examples all = ReadXnliRawTsv(path);
  ASSERT_EQ(all.examples.size(), 15u);
  EXPECT_EQ(all.Languages().size(), 15u);
  EXPECT_EQ(all.examples[2].language, "de");
  EXPECT_EQ(all.examples[2].id, "1");
  EXPECT_EQ(all.examples[2].text_a, "und er hat gesagt, Mama ich bin daheim.");
  EXPECT_EQ(all.examples[2].label, "neutral");
  ReadOptions only;
  only.languages = {"en", "zh"};
  const Examples some = ReadXnliRawTsv(path, only);
  ASSERT_EQ(some.examples.size(), 2u);
  EXPECT_EQ(some.examples[0].language, "en");
  EXPECT_EQ(some.examples[1].language, "zh");
}

TEST(XnliReader, ReadsRawXnliJsonl) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "xnli/raw_specimen/XNLI-1.0/xnli.dev.jsonl");
  const Examples lines = ReadXnliJsonl(path);
  ASSERT_EQ(lines.examples.size(), 5u);
  EXPECT_EQ(lines.examples[1].id, "2");
  EXPECT_EQ(lines.examples[1].language, "ar");
  EXPECT_EQ(lines.examples[1].label, "contradiction");
}

TEST(PawsxReader, ReadsXtremeDevFileAndUndoesCsvQuoting) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "pawsx/xtreme/dev-de.tsv");
  const Examples ex = ReadPawsx(path);
  EXPECT_EQ(ex.labels, (std::vector<std::string>{"0", "1"}));
  ASSERT_EQ(ex.examples.size(), 2000u);
  EXPECT_EQ(ex.examples[0].language, "de");
  EXPECT_EQ(ex.examples[0].text_a,
            "Durch die Zusammenlegung des Four Rivers Council und des Audubon Council entstand der Shawnee "
            "Trails Council.");
  EXPECT_EQ(ex.examples[0].label, "1");
  int zeros = 0;
  for (const Example& e : ex.examples) zeros += e.label == "0";
  EXPECT_EQ(zeros, 1169);
  // Line 115 was written by csv.writer as "Siebenberg ... Album "", weil ...": the raw PAWS-X text
  // has one stray quote.
  EXPECT_EQ(ex.examples[114].text_a,
            "Siebenberg bezeichnete ihn als seinen Lieblingssong auf dem Album \", weil er so rein und persönlich ist.");
  ReadOptions as_xtreme;
  as_xtreme.quoting = Quoting::kNone;
  EXPECT_EQ(ReadPawsx(path, as_xtreme).examples[114].text_a,
            "\"Siebenberg bezeichnete ihn als seinen Lieblingssong auf dem Album \"\", weil er so rein und persönlich ist.\"");
}

TEST(PawsxReader, ReadsRawRelease) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "pawsx/raw/de/test_2k.tsv");
  const Examples ex = ReadPawsxRaw(path);
  ASSERT_EQ(ex.examples.size(), 2000u);
  EXPECT_EQ(ex.examples[0].id, "10");
  EXPECT_EQ(ex.examples[0].language, "de");
  EXPECT_EQ(ex.examples[0].label, "1");
  EXPECT_EQ(ex.examples.back().id, "8000");
  EXPECT_EQ(ex.examples.back().text_a, "Gehen Sie umgekehrt davon aus, dass „m” bei Primerfaktorisierung stark ist.");
  EXPECT_EQ(ex.examples.back().label, "0");
}

TEST(XnliReader, ReportsMalformedRowsTogether) {
  TempDir dir;
  const auto path = dir.Write("dev-fr.tsv",
                              "a\tb\tneutral\r\n"
                              "a\tb\r\n"
                              "a\tb\tmaybe\r\n"
                              "\r\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnli(path); }),
            path.string() + ":2: expected 3 fields separated by a tab as on line 1, got 2\n" +
            path.string() + ":3: expected a label out of contradiction, entailment, neutral, got \"maybe\"\n" +
            path.string() + ":4: expected 3 fields separated by a tab as on line 1, got an empty line");
}

TEST(XnliReader, NeedsALanguageItCannotInfer) {
  TempDir dir;
  const auto path = dir.Write("data.tsv", "a\tb\tneutral\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnli(path); }),
            path.string() + ": cannot tell the language from the file name; set the 'language' option");
  ReadOptions options;
  options.language = "sw";
  EXPECT_EQ(ReadXnli(path, options).examples[0].language, "sw");
}

// XTREME's XNLI translate-train files (gs://xtreme_translations/XNLI/translate-train/
// en-<lang>-translated.tsv, 14 languages): no header; English premise and hypothesis (MNLI's,
// space-tokenized as in XNLI-MT), their translations, and MNLI's label with "contradictory" for
// contradiction. Five fields on every row (TFDS's xtreme_xnli unpacks exactly five). Quote
// characters are text. Rows written here by hand in that layout.
TEST(XnliTranslateTrainReader, ReadsTheTranslatedPairAndMapsContradictory) {
  TempDir dir;
  const auto path = dir.Write(
      "en-de-translated.tsv",
      "Conceptually cream skimming has two basic dimensions - product and geography .\t"
      "Product and geography are what make cream skimming work .\t"
      "Konzeptionell hat die Rahmabschöpfung zwei grundlegende Dimensionen - Produkt und Geographie.\t"
      "Produkt und Geographie sind das, was die Rahmabschöpfung zum Funktionieren bringt.\tneutral\n"
      "\" The temperature , messieurs , was 80 degrees .\tIt was cold .\t"
      "\"Die Temperatur, meine Herren, betrug 80 Grad.\tEs war kalt.\tcontradictory\n"
      "He said yes .\tHe agreed .\tEr sagte ja.\tEr stimmte zu.\tentailment\n");
  const Examples ex = ReadXnliTranslateTrain(path);
  EXPECT_EQ(ex.format, "xnli_translate_train");
  EXPECT_EQ(ex.task, TaskType::kPairClassification);
  EXPECT_EQ(ex.labels, kNli);
  ASSERT_EQ(ex.examples.size(), 3u);
  EXPECT_EQ(ex.examples[0].id, "0");
  EXPECT_EQ(ex.examples[0].language, "de");  // the language translated into, not the "en" before it
  EXPECT_EQ(ex.examples[0].text_a,
            "Konzeptionell hat die Rahmabschöpfung zwei grundlegende Dimensionen - Produkt und Geographie.");
  EXPECT_EQ(ex.examples[0].text_b, "Produkt und Geographie sind das, was die Rahmabschöpfung zum Funktionieren bringt.");
  EXPECT_EQ(ex.examples[0].label, "neutral");
  EXPECT_EQ(ex.examples[1].text_a, "\"Die Temperatur, meine Herren, betrug 80 Grad.");  // the quote is text
  EXPECT_EQ(ex.examples[1].label, "contradiction");
  EXPECT_EQ(ex.examples[2].id, "2");
  EXPECT_EQ(ex.examples[2].label, "entailment");
  // Through the format table, as the dataset node reads it; CRLF line ends read the same.
  const auto crlf = dir.Write("zh/en-zh-translated.tsv", "A .\tB .\t甲。\t乙。\tcontradictory\r\n");
  const Examples zh = ReadDataset("xnli_translate_train", crlf);
  ASSERT_EQ(zh.examples.size(), 1u);
  EXPECT_EQ(zh.examples[0].language, "zh");
  EXPECT_EQ(zh.examples[0].text_b, "乙。");
  EXPECT_EQ(zh.examples[0].label, "contradiction");
}

TEST(XnliTranslateTrainReader, EveryRowHasFiveFieldsAndAKnownLabel) {
  TempDir dir;
  const auto path = dir.Write("en-sw-translated.tsv",
                              "a .\tb .\ta\tb\tneutral\n"
                              "a .\tb .\ta\tneutral\n"
                              "a .\tb .\ta\tb\tcontradicts\n"
                              "a .\tb .\ta\tb\tneutral\textra\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnliTranslateTrain(path); }),
            path.string() + ":2: expected 5 fields separated by a tab, got 4\n" +
            path.string() + ":3: expected a label out of contradiction, entailment, neutral, got \"contradicts\"\n" +
            path.string() + ":4: expected 5 fields separated by a tab, got 6");
  // A name without the translation in it needs the option.
  const auto plain = dir.Write("train.tsv", "a .\tb .\ta\tb\tneutral\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnliTranslateTrain(plain); }),
            plain.string() + ": cannot tell the language from the file name; set the 'language' option");
  ReadOptions options;
  options.language = "ur";
  EXPECT_EQ(ReadXnliTranslateTrain(plain, options).examples[0].language, "ur");
}

TEST(XnliReader, RawTsvNeedsItsColumns) {
  TempDir dir;
  const auto path = dir.Write("xnli.dev.tsv", "language\tgold_label\tsentence1\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnliRawTsv(path); }),
            path.string() + ":1: expected a 'sentence2' column in the header, got language, gold_label, sentence1\n" +
            path.string() + ":1: expected a 'pairID' column in the header, got language, gold_label, sentence1");
}

TEST(XnliReader, JsonlErrorsNameLineAndJsonPath) {
  TempDir dir;
  const auto path = dir.Write("xnli.dev.jsonl",
                              "{\"language\": \"de\", \"gold_label\": \"neutral\", \"sentence1\": \"a\", "
                              "\"sentence2\": \"b\", \"pairID\": \"1\"}\n"
                              "{\"language\": \"de\", \"gold_label\": \"neutral\", \"sentence1\": 3, \"pairID\": 2}\n"
                              "{\"language\": \"de\",\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadXnliJsonl(path); }),
            path.string() + ":2: $.sentence1: expected a string, got an integer\n" +
            path.string() +
            ":3: expected JSON, got a syntax error at column 19: syntax error while parsing object key - "
            "unexpected end of input; expected string literal");
}

}  // namespace
}  // namespace xstilts
