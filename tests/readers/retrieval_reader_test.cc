#include "data/readers/retrieval_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

TEST(BuccReader, ReadsXtremeDevSet) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "bucc2018/xtreme/zh-en.dev.gold");
  const Examples ex = ReadBucc(path.parent_path() / "zh-en.dev");
  EXPECT_EQ(ex.task, TaskType::kParallelSentences);
  EXPECT_TRUE(ex.examples.empty());
  const ParallelSentences& p = ex.parallel;
  EXPECT_EQ(p.source_language, "zh");
  EXPECT_EQ(p.target_language, "en");
  ASSERT_EQ(p.source_ids.size(), 8624u);
  ASSERT_EQ(p.target_texts.size(), 13589u);
  EXPECT_EQ(p.source_ids[0], "zh-000000001");
  EXPECT_EQ(p.source_texts[0], "辽宁省，简称辽，舊稱奉天省，中國的一个省，省會位于沈阳市。");
  EXPECT_EQ(p.target_ids.back(), "en-000013589");
  ASSERT_EQ(p.gold.size(), 257u);
  EXPECT_EQ(p.source_ids[p.gold[0].first], "zh-000000057");
  EXPECT_EQ(p.target_ids[p.gold[0].second], "en-000008530");
  EXPECT_EQ(p.target_texts[p.gold[0].second].rfind("In Tunisia, the largest newspaper", 0), 0u);
  EXPECT_EQ(ex.Languages(), (std::vector<std::string>{"zh", "en"}));
}

TEST(BuccReader, AcceptsAFileOfTheSetAndWorksWithoutGold) {
  TempDir dir;
  dir.Write("de-en.test.de", "de-1\tHallo\n");
  dir.Write("de-en.test.en", "en-1\tHello\nen-2\tBye\n");
  const Examples ex = ReadBucc(dir.path() / "de-en.test.en");
  EXPECT_EQ(ex.parallel.source_texts, std::vector<std::string>{"Hallo"});
  EXPECT_EQ(ex.parallel.target_ids, (std::vector<std::string>{"en-1", "en-2"}));
  EXPECT_TRUE(ex.parallel.gold.empty());
}

TEST(BuccReader, ReportsDuplicateIdsAndUnknownGoldIds) {
  TempDir dir;
  dir.Write("fr-en.dev.fr", "fr-1\tBonjour\nfr-2\tSalut\n");
  dir.Write("fr-en.dev.en", "en-1\tHello\n");
  const auto gold = dir.Write("fr-en.dev.gold", "fr-1\ten-1\nfr-9\ten-1\nfr-2\ten-7\nfr-2 en-1\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadBucc(dir.path() / "fr-en.dev"); }),
            gold.string() + ":2: expected an id of fr-en.dev.fr, got \"fr-9\"\n" +
            gold.string() + ":3: expected an id of fr-en.dev.en, got \"en-7\"\n" +
            gold.string() + ":4: expected fr_id<TAB>en_id, got \"fr-2 en-1\"");
  const auto dup = dir.Write("fr-en.dev.fr", "fr-1\tBonjour\nfr-1\tSalut\nfr-3 Coucou\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadBucc(dir.path() / "fr-en.dev"); }),
            dup.string() + ":2: expected a new id, got \"fr-1\" again (first on line 1)\n" +
            dup.string() + ":3: expected id<TAB>sentence, got 1 fields separated by a tab");
}

TEST(TatoebaReader, ReadsLaserPair) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "tatoeba/v1/tatoeba.deu-eng.eng");
  const Examples ex = ReadTatoeba(path.parent_path() / "tatoeba.deu-eng");
  const ParallelSentences& p = ex.parallel;
  EXPECT_EQ(p.source_language, "de");
  EXPECT_EQ(p.target_language, "en");
  ASSERT_EQ(p.source_texts.size(), 1000u);
  ASSERT_EQ(p.target_texts.size(), 1000u);
  EXPECT_EQ(p.source_texts[0], "Maria sagte, sie wisse nicht, wo Tom sei.");
  EXPECT_EQ(p.target_texts[0], "Mary said she didn't know where Tom was.");
  EXPECT_EQ(p.source_texts.back(), "Kann ich mit Kreditkarte bezahlen?");
  EXPECT_EQ(p.target_ids.back(), "999");
  ASSERT_EQ(p.gold.size(), 1000u);
  EXPECT_EQ(p.gold[999], (std::pair<int64_t, int64_t>{999, 999}));
}

TEST(TatoebaReader, MapsChineseCodeAndAcceptsAFileOfThePair) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "tatoeba/v1/tatoeba.cmn-eng.cmn");
  const Examples ex = ReadTatoeba(path);
  EXPECT_EQ(ex.parallel.source_language, "zh");
  EXPECT_EQ(ex.parallel.source_texts.size(), 1000u);
}

TEST(TatoebaReader, ReportsLineCountMismatchAndBadNames) {
  TempDir dir;
  dir.Write("tatoeba.fra-eng.fra", "Un.\nDeux.\n");
  const auto eng = dir.Write("tatoeba.fra-eng.eng", "One.\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadTatoeba(dir.path() / "tatoeba.fra-eng"); }),
            eng.string() + ": expected 2 lines, one per line of tatoeba.fra-eng.fra, got 1");
  const auto bad = dir.path() / "tatoeba.french";
  EXPECT_EQ(InputErrorMessage([&] { ReadTatoeba(bad); }),
            bad.string() + ": expected a Tatoeba pair name ending in xxx-eng, like tatoeba.ara-eng, got "
                           "\"tatoeba.french\"");
}

}  // namespace
}  // namespace xstilts
