// The "text" format: a plain-text corpus for masked-LM training, one sentence a line.
#include "data/readers/text_corpus_reader.h"

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "data/readers/read_dataset.h"
#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

TEST(TextCorpusReader, EveryNonBlankLineIsAnUnlabelledSentenceOfTheFilesLanguage) {
  TempDir dir;
  // A CC-100 shard: documents separated by blank lines; CRLF and surrounding spaces are dropped.
  const auto path = dir.Write("de.txt", "Erster Satz.\r\nZweiter Satz.  \n\n   \nNeues Dokument.\n");
  const Examples ex = ReadDataset("text", path);
  EXPECT_EQ(ex.format, "text");
  EXPECT_EQ(ex.task, TaskType::kSentenceClassification);
  ASSERT_EQ(ex.examples.size(), 3u);
  EXPECT_EQ(ex.examples[0].text_a, "Erster Satz.");
  EXPECT_EQ(ex.examples[1].text_a, "Zweiter Satz.");
  EXPECT_EQ(ex.examples[2].text_a, "Neues Dokument.");
  EXPECT_EQ(ex.examples[2].id, "5");  // its line number
  for (const Example& e : ex.examples) {
    EXPECT_EQ(e.language, "de");
    EXPECT_EQ(e.label, "");
  }
  EXPECT_EQ(ex.CountLabelled(), 0);
}

TEST(TextCorpusReader, TheLanguageOptionWinsAndAFileWithoutOneIsRefused) {
  TempDir dir;
  const auto path = dir.Write("corpus.txt", "one\ntwo\n");
  ReadOptions options;
  options.language = "sw";
  EXPECT_EQ(ReadTextCorpus(path, options).examples.at(1).language, "sw");
  EXPECT_NE(InputErrorMessage([&] { ReadTextCorpus(path); }).find("cannot tell the language"), std::string::npos);
}

TEST(TextCorpusReader, BytesThatAreNotUtf8AreReportedWithTheirLine) {
  TempDir dir;
  const auto path = dir.Write("fr.txt", "bonjour\nau revoir \xff\n");
  EXPECT_NE(InputErrorMessage([&] { ReadTextCorpus(path); }).find(path.string() + ":2: expected UTF-8 text"),
            std::string::npos);
}

TEST(TextCorpusReader, ReadsOneSideOfTatoebaAsACorpus) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "tatoeba/v1/tatoeba.deu-eng.deu");
  std::ifstream in(path);
  size_t lines = 0;
  for (std::string line; std::getline(in, line);) lines += line.find_first_not_of(" \t\r") != std::string::npos;
  ReadOptions options;
  options.language = "de";
  const Examples ex = ReadTextCorpus(path, options);
  EXPECT_EQ(ex.examples.size(), lines);
  EXPECT_GT(lines, 100u);
}

}  // namespace
}  // namespace xstilts
