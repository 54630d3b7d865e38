#include "eval/metrics_qa.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace xstilts {
namespace {

TEST(SquadMetrics, NormalizeLowercasesAndDropsPunctuationAndArticles) {
  const AnswerNormalizer squad = AnswerNormalizer::Squad();
  EXPECT_EQ(squad.Normalize("The  Beatles!"), "beatles");
  EXPECT_EQ(squad.Normalize("an apple, a day"), "apple day");
  EXPECT_EQ(squad.Normalize("Theater"), "theater");
  // Only ASCII punctuation goes: the inverted question mark stays, '?' does not.
  EXPECT_EQ(squad.Normalize("\u00bfD\u00f3nde?"), "\u00bfd\u00f3nde");
  // Punctuation is removed before articles: "the-end" -> "theend", not an article.
  EXPECT_EQ(squad.Normalize("the-end"), "theend");
}

TEST(SquadMetrics, PunctuationOnlyAndEmptyAnswers) {
  const AnswerNormalizer squad = AnswerNormalizer::Squad();
  // "!!!" and "?" both normalise to "": exact match, but F1 is 0 because no token is shared.
  EXPECT_TRUE(squad.ExactMatch("!!!", "?"));
  EXPECT_EQ(squad.F1("!!!", "?"), 0.0);
  // An empty prediction matches a gold answer that is only an article, and nothing else.
  EXPECT_TRUE(squad.ExactMatch("", "The"));
  EXPECT_FALSE(squad.ExactMatch("", "Paris"));
  EXPECT_EQ(squad.F1("", "Paris"), 0.0);
}

TEST(SquadMetrics, TokenF1CountsSharedTokens) {
  const AnswerNormalizer squad = AnswerNormalizer::Squad();
  // pred tokens [cat sat on mat], gold [cat on mat]: 3 shared, P = 3/4, R = 1, F1 = 6/7.
  EXPECT_NEAR(squad.F1("the cat sat on the mat", "a cat on a mat"), 6.0 / 7, 1e-15);
  // Shared tokens are counted with multiplicity: pred [b b], gold [b] share 1 token.
  // P = 1/2, R = 1, F1 = 2/3.
  EXPECT_NEAR(squad.F1("b b", "b"), 2.0 / 3, 1e-15);
}

TEST(SquadMetrics, GreekFinalSigmaMatchesLowercase) {
  // str.lower() maps a word-final capital sigma to 'ς'.
  EXPECT_TRUE(AnswerNormalizer::Squad().ExactMatch("ΟΔΟΣ", "οδος"));
}

TEST(SquadMetrics, ScoreTakesTheBestGoldAnswerAndCountsUnanswered) {
  // q1: exact. q2: "Paris France" vs {"Paris": P 1/2 R 1 F1 2/3; "city of Paris": P 1/2 R 1/3
  // F1 2/5}: EM 0, F1 2/3. q3: no prediction: 0 and 0, but counted.
  // EM = 100 * 1 / 3; F1 = 100 * (1 + 2/3) / 3 = 500/9.
  const std::vector<QaQuestion> gold = {
      {"q1", {"Berlin"}}, {"q2", {"Paris", "city of Paris"}}, {"q3", {"Rome"}}};
  const std::map<std::string, std::string> predictions = {
      {"q1", "berlin"}, {"q2", "Paris France"}, {"unrelated", "x"}};
  const QaScore s = ScoreQa(gold, predictions, AnswerNormalizer::Squad());
  EXPECT_EQ(s.total, 3u);
  EXPECT_EQ(s.unanswered, 1u);
  EXPECT_EQ(s.unanswered_ids, std::vector<std::string>{"q3"});
  EXPECT_NEAR(s.exact_match, 100.0 / 3, 1e-12);
  EXPECT_NEAR(s.f1, 500.0 / 9, 1e-12);
}

TEST(SquadMetrics, RejectsEmptyGold) {
  EXPECT_THROW(ScoreQa({}, {}, AnswerNormalizer::Squad()), std::invalid_argument);
  EXPECT_THROW(ScoreQa({{"q", {}}}, {{"q", "a"}}, AnswerNormalizer::Squad()),
               std::invalid_argument);
}

TEST(MlqaMetrics, UnicodePunctuationIsRemoved) {
  // Every category-P character goes (« » ¿ 。), plus ASCII symbols from string.punctuation ($).
  EXPECT_EQ(AnswerNormalizer::Mlqa("es").Normalize("\u00abHola\u00bb \u00bfqu\u00e9? $5"),
            "hola qu\u00e9 5");
  EXPECT_EQ(AnswerNormalizer::Squad().Normalize("\u00abHola\u00bb"), "\u00abhola\u00bb");
}

TEST(MlqaMetrics, PerLanguageArticles) {
  EXPECT_EQ(AnswerNormalizer::Mlqa("en").Normalize("The House"), "house");
  EXPECT_EQ(AnswerNormalizer::Mlqa("es").Normalize("La Casa de los Sue\u00f1os"),
            "casa de sue\u00f1os");
  EXPECT_EQ(AnswerNormalizer::Mlqa("de").Normalize("Der Hund und die Katze"), "hund und katze");
  // Vietnamese: của, là, cái, chiếc, những as whole words.
  EXPECT_EQ(AnswerNormalizer::Mlqa("vi").Normalize("C\u00e1i b\u00e0n c\u1ee7a t\u00f4i"),
            "b\u00e0n t\u00f4i");
  // Hindi and Chinese have no article list; English articles stay.
  EXPECT_EQ(AnswerNormalizer::Mlqa("hi").Normalize("the house"), "the house");
  // English articles are not removed for Spanish.
  EXPECT_EQ(AnswerNormalizer::Mlqa("es").Normalize("the house"), "the house");
}

TEST(MlqaMetrics, ArabicArticleIsRemovedAnywhere) {
  // "القاهرة" -> " قاهرة" -> "قاهرة"; inside "مالك" (m, a, l, k) the pair "ال" is removed too,
  // leaving two tokens "م" and "ك", as re.sub('\sال^|ال', ' ', text) does.
  const AnswerNormalizer ar = AnswerNormalizer::Mlqa("ar");
  EXPECT_EQ(ar.Normalize("\u0627\u0644\u0642\u0627\u0647\u0631\u0629"),
            "\u0642\u0627\u0647\u0631\u0629");
  EXPECT_EQ(ar.Normalize("\u0645\u0627\u0644\u0643"), "\u0645 \u0643");
}

TEST(MlqaMetrics, ChineseMixedSegmentation) {
  const AnswerNormalizer zh = AnswerNormalizer::Mlqa("zh");
  // Each CJK ideograph is a token; Latin runs are split on whitespace.
  EXPECT_EQ(zh.Normalize("北京大学 ABC def"), "北 京 大 学 abc def");
  EXPECT_EQ(zh.Tokens("北京大学").size(), 4u);
  // pred 北京大学 (4 tokens) vs gold 北京 (2): 2 shared, P 1/2, R 1, F1 2/3.
  EXPECT_NEAR(zh.F1("北京大学", "北京"), 2.0 / 3, 1e-15);
  // The SQuAD script (used for XQuAD zh) sees one token each and scores 0.
  EXPECT_EQ(AnswerNormalizer::Squad().F1("北京大学", "北京"), 0.0);
}

TEST(MlqaMetrics, UnknownLanguageIsRejected) {
  EXPECT_FALSE(AnswerNormalizer::IsMlqaLanguage("fr"));
  EXPECT_THROW(AnswerNormalizer::Mlqa("fr"), std::invalid_argument);
}

}  // namespace
}  // namespace xstilts
