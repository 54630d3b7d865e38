#include "data/readers/conllu_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

using Strings = std::vector<std::string>;

TEST(ConlluReader, ReadsEnglishEwtDev) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "udpos/conllu/en_ewt-ud-dev.conllu");
  const Examples ex = ReadConllu(path);
  ASSERT_EQ(ex.examples.size(), 2001u);
  const Example& first = ex.examples[0];
  EXPECT_EQ(first.id, "weblog-blogspot.com_nominations_20041117172713_ENG_20041117_172713-0001");
  EXPECT_EQ(first.language, "en");
  EXPECT_EQ(first.tokens, (Strings{"From", "the", "AP", "comes", "this", "story", ":"}));
  EXPECT_EQ(first.tags, (Strings{"ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT"}));
  EXPECT_EQ(ex.examples.back().id, "reviews-140302-0004");
  size_t words = 0;
  for (const Example& e : ex.examples) words += e.tokens.size();
  EXPECT_EQ(words, 25147u);  // syntactic words: no multiword tokens, no empty nodes
}

TEST(ConlluReader, ReadsGermanGsdSkippingMultiwordTokens) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "udpos/conllu/de_gsd-ud-test.conllu");
  const Examples ex = ReadConllu(path);
  ASSERT_EQ(ex.examples.size(), 977u);
  EXPECT_EQ(ex.examples[0].id, "test-s1");
  EXPECT_EQ(ex.examples[0].language, "de");
  const Strings& last = ex.examples.back().tokens;
  EXPECT_EQ(ex.examples.back().id, "test-s977");
  EXPECT_EQ(last.front(), "US");
  EXPECT_EQ(Strings(last.end() - 3, last.end()), (Strings{"in", "Israel", "."}));
  size_t words = 0;
  for (const Example& e : ex.examples) words += e.tokens.size();
  EXPECT_EQ(words, 16499u);
}

TEST(ConlluReader, SkipsMultiwordRangesAndEmptyNodesAndReadsXpos) {
  TempDir dir;
  const auto path = dir.Write("de_test-ud-dev.conllu",
                              "# sent_id = s1\n"
                              "# text = im Haus\n"
                              "1-2\tim\t_\t_\t_\t_\t_\t_\t_\t_\n"
                              "1\tin\tin\tADP\tAPPR\t_\t3\tcase\t_\t_\n"
                              "2\tdem\tder\tDET\tART\t_\t3\tdet\t_\t_\n"
                              "3\tHaus\tHaus\tNOUN\tNN\t_\t0\troot\t_\t_\n"
                              "3.1\tist\tsein\tAUX\tVAFIN\t_\t_\t_\t3:cop\t_\n"
                              "\n"
                              "1\tJa\tja\tINTJ\tPTKANT\t_\t0\troot\t_\t_\n");
  const Examples ex = ReadConllu(path);
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].id, "s1");
  EXPECT_EQ(ex.examples[0].tokens, (Strings{"in", "dem", "Haus"}));
  EXPECT_EQ(ex.examples[0].tags, (Strings{"ADP", "DET", "NOUN"}));
  EXPECT_EQ(ex.examples[1].id, "1");  // no sent_id: the sentence index
  ReadOptions xpos;
  xpos.tag_column = "xpos";
  const Examples x = ReadConllu(path, xpos);
  EXPECT_EQ(x.examples[0].tags, (Strings{"APPR", "ART", "NN"}));
  EXPECT_EQ(x.labels, (Strings{"APPR", "ART", "NN", "PTKANT"}));
}

TEST(ConlluReader, ReportsBadLines) {
  TempDir dir;
  const auto path = dir.Write("en_x-ud-test.conllu",
                              "1\tA\ta\tDET\tDT\t_\t2\tdet\t_\t_\n"
                              "3\tdog\tdog\tNOUN\tNN\t_\t0\troot\t_\t_\n"
                              "4\tbarks\tbark\tVERB\tVBZ\t_\t2\tacl\t_\t_\n"
                              "\n"
                              "1\tHi\thi\tINTJ\tUH\t_\t0\troot\n"
                              "\n"
                              "1\tOk\tok\tOK\tUH\t_\t0\troot\t_\t_\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadConllu(path); }),
            path.string() + ":2: expected word ID 2, got \"3\"\n" +
            path.string() + ":5: expected 10 fields separated by a tab, got 8\n" +
            path.string() + ":7: expected a label out of ADJ, ADP, ADV, AUX, CCONJ, DET, INTJ, NOUN, NUM, PART, "
                            "PRON, PROPN, PUNCT, SCONJ, SYM, VERB, X, got \"OK\"");
}

TEST(ConlluReader, RejectsUnknownTagColumn) {
  TempDir dir;
  const auto path = dir.Write("en_x-ud-test.conllu", "");
  ReadOptions options;
  options.tag_column = "deprel";
  EXPECT_EQ(InputErrorMessage([&] { ReadConllu(path, options); }),
            "option 'tag_column': expected upos or xpos, got \"deprel\"");
}

}  // namespace
}  // namespace xstilts
