#include "eval/metrics_bucc.h"

#include <gtest/gtest.h>

namespace xstilts {
namespace {

TEST(BuccF1, DuplicatePairsCountOnce) {
  // Gold {(a,x) (b,y) (c,z)}; predictions (a,x) twice and (b,z): as a set 2 predictions, 1 correct.
  // P = 1/2, R = 1/3, F1 = 2 * 1/6 / (5/6) = 2/5.
  const PrfScore s = BuccF1({{"a", "x"}, {"b", "y"}, {"c", "z"}, {"c", "z"}},
                            {{"a", "x"}, {"a", "x"}, {"b", "z"}});
  EXPECT_EQ(s.num_predicted, 2u);
  EXPECT_EQ(s.num_gold, 3u);
  EXPECT_EQ(s.num_correct, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 50.0);
  EXPECT_NEAR(s.recall, 100.0 / 3, 1e-12);
  EXPECT_NEAR(s.f1, 40.0, 1e-12);
}

TEST(BuccF1, NothingCorrectOrNothingPredictedIsZero) {
  const PrfScore wrong = BuccF1({{"a", "x"}}, {{"a", "y"}});
  EXPECT_EQ(wrong.f1, 0.0);
  EXPECT_EQ(wrong.precision, 0.0);
  const PrfScore empty = BuccF1({{"a", "x"}}, {});
  EXPECT_EQ(empty.recall, 0.0);
}

TEST(BuccCandidates, KeepsFirstSeenOrderAndHighestScore) {
  BuccCandidates c;
  c.Add({"a", "x"}, 0.5);
  c.Add({"b", "y"}, 0.9);
  c.Add({"a", "x"}, 0.7);
  c.Add({"b", "y"}, 0.1);
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c.items()[0].pair, BuccPair("a", "x"));
  EXPECT_EQ(c.items()[0].score, 0.7);
  EXPECT_EQ(c.items()[1].score, 0.9);
}

BuccCandidates Candidates(std::initializer_list<std::pair<BuccPair, double>> items) {
  BuccCandidates c;
  for (const auto& [pair, score] : items) c.Add(pair, score);
  return c;
}

TEST(BuccOptimize, ThresholdIsHalfwayAfterTheF1Peak) {
  // Sorted: (a,x) 1.0 correct, (b,y) 0.9 wrong, (c,z) 0.8 correct, (d,w) 0.5 wrong; 3 gold pairs.
  //   after 1: P 1,   R 1/3 -> F1 1/2   (threshold (1.0+0.9)/2)
  //   after 2: P 1/2, R 1/3 -> F1 2/5
  //   after 3: P 2/3, R 2/3 -> F1 2/3   best: threshold (0.8+0.5)/2 = 0.65
  //   after 4: P 1/2, R 2/3 -> F1 4/7
  const BuccCandidates c = Candidates(
      {{{"d", "w"}, 0.5}, {{"b", "y"}, 0.9}, {{"a", "x"}, 1.0}, {{"c", "z"}, 0.8}});
  const std::set<BuccPair> gold = {{"a", "x"}, {"c", "z"}, {"e", "v"}};
  EXPECT_DOUBLE_EQ(BuccOptimizeThreshold(c, gold), 0.65);
  // Extraction keeps score >= 0.65 in candidate order: (b,y) (a,x) (c,z): P = R = F1 = 2/3.
  EXPECT_EQ(BuccExtract(c, 0.65), (std::vector<BuccPair>{{"b", "y"}, {"a", "x"}, {"c", "z"}}));
  const BuccEvaluation e = BuccEvaluate(c, gold);
  EXPECT_DOUBLE_EQ(e.threshold, 0.65);
  EXPECT_NEAR(e.score.f1, 200.0 / 3, 1e-12);
  EXPECT_NEAR(e.score.precision, 200.0 / 3, 1e-12);
}

TEST(BuccOptimize, TiesExtractTogether) {
  // (a,x) 0.7 correct, (b,y) 0.7 wrong, (c,z) 0.2 wrong; gold {(a,x)}. The peak is after (a,x)
  // (F1 1), threshold (0.7+0.7)/2 = 0.7, and score >= 0.7 extracts (b,y) too: P 1/2, F1 2/3.
  const BuccCandidates c = Candidates({{{"a", "x"}, 0.7}, {{"b", "y"}, 0.7}, {{"c", "z"}, 0.2}});
  const BuccEvaluation e = BuccEvaluate(c, {{"a", "x"}});
  EXPECT_DOUBLE_EQ(e.threshold, 0.7);
  EXPECT_DOUBLE_EQ(e.score.precision, 50.0);
  EXPECT_NEAR(e.score.f1, 200.0 / 3, 1e-12);
}

TEST(BuccOptimize, PeakAtTheLastCandidateKeepsAll) {
  // (b,y) 0.9 wrong, (a,x) 0.8 correct: F1 peaks at the last candidate; the script would index
  // past the end, here the threshold is that candidate's score.
  const BuccCandidates c = Candidates({{{"b", "y"}, 0.9}, {{"a", "x"}, 0.8}});
  EXPECT_DOUBLE_EQ(BuccOptimizeThreshold(c, {{"a", "x"}}), 0.8);
}

TEST(BuccOptimize, NoCorrectCandidateGivesZero) {
  const BuccCandidates c = Candidates({{{"b", "y"}, 0.9}});
  EXPECT_EQ(BuccOptimizeThreshold(c, {{"a", "x"}}), 0.0);
  EXPECT_EQ(BuccOptimizeThreshold(BuccCandidates(), {{"a", "x"}}), 0.0);
}

TEST(BuccOptimize, ExplicitThresholdIsUsedAsIs) {
  const BuccCandidates c = Candidates({{{"a", "x"}, 1.0}, {{"b", "y"}, 0.9}});
  const BuccEvaluation e = BuccEvaluate(c, {{"a", "x"}}, 0.95);
  EXPECT_EQ(e.threshold, 0.95);
  EXPECT_DOUBLE_EQ(e.score.f1, 100.0);
}

TEST(BuccOptimize, DevThresholdAppliedToTest) {
  // Dev as in ThresholdIsHalfwayAfterTheF1Peak: threshold 0.65, dev F1 2/3.
  const BuccCandidates dev = Candidates(
      {{{"d", "w"}, 0.5}, {{"b", "y"}, 0.9}, {{"a", "x"}, 1.0}, {{"c", "z"}, 0.8}});
  const BuccCandidates test = Candidates({{{"p", "q"}, 0.7}, {{"r", "s"}, 0.6}, {{"t", "u"}, 0.65}});
  const BuccDevToTest r =
      BuccSelectOnDevApplyToTest(dev, {{"a", "x"}, {"c", "z"}, {"e", "v"}}, test);
  EXPECT_DOUBLE_EQ(r.threshold, 0.65);
  EXPECT_NEAR(r.dev.f1, 200.0 / 3, 1e-12);
  EXPECT_EQ(r.test_pairs, (std::vector<BuccPair>{{"p", "q"}, {"t", "u"}}));
}

TEST(BuccSentences, RepeatedSentencesAreDropped) {
  // "hello" occurs twice, so it has no id and its candidates are skipped.
  const auto source = BuccSentenceToId({"de-1", "de-2", "de-3"}, {"hallo", "welt", "hallo"});
  EXPECT_EQ(source, (std::map<std::string, std::string>{{"welt", "de-2"}}));
  const auto target = BuccSentenceToId({"en-1", "en-2"}, {"hello", "world"});
  const BuccCandidates c = BuccCandidatesFromText(
      {{0.9, "hallo", "hello"}, {0.8, "welt", "world"}, {0.85, "welt", "world"}}, source, target);
  ASSERT_EQ(c.size(), 1u);
  EXPECT_EQ(c.items()[0].pair, BuccPair("de-2", "en-2"));
  EXPECT_EQ(c.items()[0].score, 0.85);
}

}  // namespace
}  // namespace xstilts
