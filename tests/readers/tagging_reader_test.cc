#include "data/readers/tagging_reader.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

using Strings = std::vector<std::string>;

TEST(UdposReader, ReadsXtremeDevFile) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "udpos/xtreme/dev-en.tsv");
  const Examples ex = ReadUdposTsv(path);
  EXPECT_EQ(ex.task, TaskType::kTagging);
  EXPECT_EQ(ex.labels.size(), 17u);
  EXPECT_EQ(ex.labels.front(), "ADJ");
  EXPECT_EQ(ex.labels.back(), "X");
  ASSERT_EQ(ex.examples.size(), 3974u);
  EXPECT_EQ(ex.examples[0].language, "en");
  EXPECT_EQ(ex.examples[0].tokens, (Strings{"From", "the", "AP", "comes", "this", "story", ":"}));
  EXPECT_EQ(ex.examples[0].tags, (Strings{"ADP", "DET", "PROPN", "VERB", "DET", "NOUN", "PUNCT"}));
  EXPECT_EQ(ex.examples.back().id, "3973");
  EXPECT_EQ(ex.examples.back().tokens.size(), 34u);
  EXPECT_EQ(ex.examples.back().tokens.back(), ".");
  size_t tokens = 0;
  for (const Example& e : ex.examples) tokens += e.tokens.size();
  EXPECT_EQ(tokens, 62632u);
}

TEST(UdposReader, TokensWithoutTagsAreUnlabelled) {
  TempDir dir;
  const auto path = dir.Write("test-fr.tsv", "Le\nchat\n\n\nIl\n");
  const Examples ex = ReadUdposTsv(path);
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].tokens, (Strings{"Le", "chat"}));
  EXPECT_TRUE(ex.examples[0].tags.empty());
  EXPECT_EQ(ex.CountLabelled(), 0);
}

TEST(UdposReader, ReportsMixedTaggingAndUnknownTags) {
  TempDir dir;
  const auto path = dir.Write("dev-fr.tsv", "Le\tDET\nchat\n\nIl\tPRONOUN\na\tb\tc\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadUdposTsv(path); }),
            path.string() + ":2: expected token<TAB>tag as on line 1, got a line without a tab\n" +
            path.string() + ":4: expected a label out of ADJ, ADP, ADV, AUX, CCONJ, DET, INTJ, NOUN, NUM, PART, "
                            "PRON, PROPN, PUNCT, SCONJ, SYM, VERB, X, got \"PRONOUN\"\n" +
            path.string() + ":5: expected token<TAB>tag, got 3 fields separated by a tab");
}

TEST(PanxReader, ReadsXtremeDevFiles) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "panx/xtreme/dev-en.tsv");
  const Examples ex = ReadPanx(path);
  EXPECT_EQ(ex.labels, (Strings{"B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER", "O"}));
  ASSERT_EQ(ex.examples.size(), 10000u);
  EXPECT_EQ(ex.examples[0].language, "en");
  EXPECT_EQ(ex.examples[0].tokens,
            (Strings{"Sioux", "Falls", "Arena", "(", "Sioux", "Falls", ",", "South", "Dakota", ")"}));
  EXPECT_EQ(ex.examples[0].tags,
            (Strings{"B-ORG", "I-ORG", "I-ORG", "O", "B-LOC", "I-LOC", "I-LOC", "I-LOC", "I-LOC", "O"}));
  // "Tomb Raider: Definitive Edition": a ':' token must not be taken for a language prefix.
  EXPECT_EQ(ex.examples.back().tokens, (Strings{"Tomb", "Raider", ":", "Definitive", "Edition", "''"}));
}

TEST(PanxReader, ReadsChineseDevFile) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "panx/xtreme/dev-zh.tsv");
  const Examples ex = ReadPanx(path);
  ASSERT_EQ(ex.examples.size(), 10000u);
  EXPECT_EQ(ex.examples[0].language, "zh");
  EXPECT_EQ(ex.examples[0].tokens, (Strings{"前", "鎮", "區"}));
  EXPECT_EQ(ex.examples[0].tags, (Strings{"B-LOC", "I-LOC", "I-LOC"}));
  EXPECT_EQ(ex.examples.back().tokens, (Strings{"儋", "州", "市"}));
}

TEST(PanxReader, StripsRawWikiannLanguagePrefix) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "panx/raw_specimen/zh/test");
  const Examples ex = ReadPanx(path);
  ASSERT_EQ(ex.examples.size(), 1u);
  EXPECT_EQ(ex.examples[0].language, "zh");
  ASSERT_EQ(ex.examples[0].tokens.size(), 15u);
  EXPECT_EQ(ex.examples[0].tokens[0], "香");
  EXPECT_EQ(ex.examples[0].tokens[14], "鳴");
  EXPECT_EQ(ex.examples[0].tags[12], "B-ORG");
  EXPECT_EQ(ex.examples[0].tags[14], "I-ORG");
}

TEST(PanxReader, LangPrefixModes) {
  TempDir dir;
  const auto raw = dir.Write("raw/dev", "de:Berlin\tB-LOC\nde:ist\tO\n\nde:a:b\tO\n");
  EXPECT_EQ(ReadPanx(raw).examples[1].tokens, Strings{"a:b"});
  EXPECT_EQ(ReadPanx(raw).examples[0].language, "de");
  ReadOptions never;
  never.lang_prefix = LangPrefix::kNever;
  never.language = "de";
  EXPECT_EQ(ReadPanx(raw, never).examples[0].tokens, (Strings{"de:Berlin", "de:ist"}));

  const auto mixed = dir.Write("mixed/dev-de.tsv", "de:Berlin\tB-LOC\nist\tO\n");
  EXPECT_EQ(ReadPanx(mixed).examples[0].tokens, (Strings{"de:Berlin", "ist"}));  // auto: not every line
  ReadOptions always;
  always.lang_prefix = LangPrefix::kAlways;
  EXPECT_EQ(InputErrorMessage([&] { ReadPanx(mixed, always); }),
            mixed.string() + ":2: expected the prefix \"de:\", got \"ist\tO\"");
}

TEST(CcgReader, ReadsTokensAndSupertags) {
  TempDir dir;
  const auto path = dir.Write("ccg.dev",
                              "Pierre Vinken will join .\tN/N N (S[dcl]\\NP)/(S[b]\\NP) S[b]\\NP .\n"
                              "It works\tNP S[dcl]\\NP\n");
  const Examples ex = ReadCcg(path);
  ASSERT_EQ(ex.examples.size(), 2u);
  EXPECT_EQ(ex.examples[0].tokens, (Strings{"Pierre", "Vinken", "will", "join", "."}));
  EXPECT_EQ(ex.examples[0].tags, (Strings{"N/N", "N", "(S[dcl]\\NP)/(S[b]\\NP)", "S[b]\\NP", "."}));
  EXPECT_EQ(ex.examples[1].language, "en");
  EXPECT_EQ(ex.labels, (Strings{"(S[dcl]\\NP)/(S[b]\\NP)", ".", "N", "N/N", "NP", "S[b]\\NP", "S[dcl]\\NP"}));
}

TEST(CcgReader, UsesTagsFileOrder) {
  TempDir dir;
  const auto path = dir.Write("ccg.dev", "It works\tNP S[dcl]\\NP\nIt is\tNP (S[dcl]\\NP)/NP\n");
  const auto tags = dir.Write("tags_to_id.json", "{\"S[dcl]\\\\NP\": 1, \"NP\": 0, \".\": 2}");
  ReadOptions options;
  options.tags_file = tags;
  EXPECT_EQ(InputErrorMessage([&] { ReadCcg(path, options); }),
            path.string() + ":2: expected a label out of NP, S[dcl]\\NP, ., got \"(S[dcl]\\NP)/NP\"");
  const auto good = dir.Write("ccg.train", "It works\tNP S[dcl]\\NP\n");
  EXPECT_EQ(ReadCcg(good, options).labels, (Strings{"NP", "S[dcl]\\NP", "."}));
}

TEST(CcgReader, ReportsTagCountMismatch) {
  TempDir dir;
  const auto path = dir.Write("ccg.test", "It works well\tNP S[dcl]\\NP\nno tags here\n");
  EXPECT_EQ(InputErrorMessage([&] { ReadCcg(path); }),
            path.string() + ":1: expected one supertag per token (3), got 2\n" +
            path.string() + ":2: expected tokens<TAB>supertags, got 1 fields separated by a tab");
}

}  // namespace
}  // namespace xstilts
