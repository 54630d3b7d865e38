#include "report/study.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/report/test_study.h"

namespace xstilts {
namespace {

TEST(Study, ComputeAddSumsEveryField) {
  Compute a{1e15, 10, 5, 7, 3, 2, 4e15};
  a.Add(Compute{2e15, 20, 1, 1, 1, 3, 1e15});
  EXPECT_DOUBLE_EQ(a.flops, 3e15);
  EXPECT_DOUBLE_EQ(a.tokens, 30);
  EXPECT_DOUBLE_EQ(a.wall_seconds, 6);
  EXPECT_DOUBLE_EQ(a.cpu_seconds, 8);
  EXPECT_DOUBLE_EQ(a.gpu_seconds, 4);
  EXPECT_EQ(a.nodes, 5);
  EXPECT_DOUBLE_EQ(a.projected_flops, 5e15);
  EXPECT_DOUBLE_EQ(a.pflops(), 3);
  EXPECT_DOUBLE_EQ(a.cpu_hours(), 8.0 / 3600);
}

TEST(Study, ModelGroupNames) {
  EXPECT_STREQ(ModelGroupName(ModelGroup::kMultilingual), "multilingual");
  EXPECT_STREQ(ModelGroupName(ModelGroup::kMonolingual), "monolingual");
}

TEST(Study, FindReturnsTheCellOrNull) {
  const Study study = MakeTestStudy();
  const ScoreRow* row = study.Find("xlmr", "mnli", "xnli");
  ASSERT_NE(row, nullptr);
  EXPECT_EQ(row->metric, "accuracy");
  EXPECT_DOUBLE_EQ(row->by_language.at("de"), 73);
  EXPECT_EQ(study.Find("roberta", "mnli", "panx"), nullptr);
  EXPECT_EQ(study.Find("xlmr", "mnli", "tydiqa"), nullptr);
}

TEST(Study, GainPerLanguageAndOnTheAverage) {
  const Study study = MakeTestStudy();
  EXPECT_DOUBLE_EQ(*study.Gain("xlmr", "mnli", "xnli", "de"), 3);          // 73 - 70
  EXPECT_DOUBLE_EQ(*study.Gain("xlmr", "mnli", "panx", "sw"), -2);         // 68 - 70
  EXPECT_DOUBLE_EQ(*study.Gain("xlmr", "mnli", "xnli"), 2);                // 72 - 70
  EXPECT_NEAR(*study.Gain("xlmr", "mnli", "panx"), 236.0 / 3 - 80, 1e-12);  // 78.667 - 80
  EXPECT_DOUBLE_EQ(*study.Gain("xlmr", "", "xnli"), 0);
}

TEST(Study, GainIsEmptyWhenEitherSideIsMissing) {
  Study study = MakeTestStudy();
  EXPECT_FALSE(study.Gain("roberta", "mnli", "panx"));        // variant missing
  EXPECT_FALSE(study.Gain("xlmr", "mnli", "xnli", "fr"));     // language on neither side
  study.scores.at(StudyCell{"xlmr", "", "xnli"}).by_language.erase("sw");
  EXPECT_FALSE(study.Gain("xlmr", "mnli", "xnli", "sw"));     // language missing in the baseline
  EXPECT_TRUE(study.Gain("xlmr", "mnli", "xnli", "de"));
  study.scores.erase(StudyCell{"xlmr", "", "panx"});
  EXPECT_FALSE(study.Gain("xlmr", "squad", "panx"));          // baseline missing
}

TEST(Study, AverageScoreOverTheTargetsThatHaveOne) {
  const Study study = MakeTestStudy();
  EXPECT_DOUBLE_EQ(*study.AverageScore("xlmr", ""), 75);                        // (70 + 80) / 2
  EXPECT_NEAR(*study.AverageScore("xlmr", "mnli"), (72 + 236.0 / 3) / 2, 1e-12);  // 75.333
  EXPECT_NEAR(*study.AverageScore("roberta", "mnli"), 164.0 / 3, 1e-12);        // xnli only
  EXPECT_FALSE(study.AverageScore("roberta", "tydiqa"));
}

TEST(Study, AverageGainOnlyWhereBothRowsHaveTheTarget) {
  const Study study = MakeTestStudy();
  EXPECT_NEAR(*study.AverageGain("xlmr", "mnli"), (2 + (236.0 / 3 - 80)) / 2, 1e-12);   // 0.333
  EXPECT_NEAR(*study.AverageGain("xlmr", "squad"), ((214.0 / 3 - 70) + 1) / 2, 1e-12);  // 1.167
  // Only xnli: 54.667 - 53.333, although the average scores differ by -0.667.
  EXPECT_NEAR(*study.AverageGain("roberta", "mnli"), 4.0 / 3, 1e-12);
  EXPECT_NEAR(*study.AverageGain("roberta", "squad"), (-2.0 / 3 + 1) / 2, 1e-12);  // 0.167
  EXPECT_DOUBLE_EQ(*study.AverageGain("xlmr", ""), 0);
  EXPECT_FALSE(study.AverageGain("xlmr", "tydiqa"));
}

TEST(Study, MeanGainOverIntermediatesSkipsMissingCells) {
  const Study study = MakeTestStudy();
  EXPECT_DOUBLE_EQ(*study.MeanGainOverIntermediates("xlmr", "xnli", "de"), 2);     // (+3 + +1) / 2
  EXPECT_DOUBLE_EQ(*study.MeanGainOverIntermediates("xlmr", "panx", "en"), 0);     // (-1 + +1) / 2
  EXPECT_DOUBLE_EQ(*study.MeanGainOverIntermediates("roberta", "panx", "sw"), 2);  // squad only
  EXPECT_NEAR(*study.MeanGainOverIntermediates("roberta", "xnli", ""), (4.0 / 3 - 2.0 / 3) / 2, 1e-12);
  EXPECT_FALSE(study.MeanGainOverIntermediates("roberta", "panx", "fr"));
}


ScoreRow Seeded(const std::vector<std::pair<std::string, double>>& by_seed) {
  ScoreRow row;
  row.metric = "accuracy";
  for (const auto& [seed, score] : by_seed) {
    Replicate r;
    r.seed = r.label = seed;
    r.by_language = {{"de", score}};
    r.average = score;
    row.replicates.push_back(r);
  }
  return row;
}

TEST(Study, GainsPairEachSeedWithTheBaselineOfTheSameSeed) {
  Study study;
  study.targets = {"xnli"};
  study.scores[StudyCell{"m", "", "xnli"}] = Seeded({{"1", 70}, {"2", 60}, {"3", 65}});
  study.scores[StudyCell{"m", "nli", "xnli"}] = Seeded({{"1", 72}, {"2", 62}, {"3", 68}});
  // Seed to seed the gain is +2, +2, +3: small spread although the seeds' scores differ by 10.
  const std::optional<GainStats> gain = study.PairedGain("m", "nli", "xnli", "de");
  ASSERT_TRUE(gain);
  EXPECT_EQ(gain->pairs, 3);
  EXPECT_NEAR(gain->mean, 7.0 / 3, 1e-12);
  const double half = 4.303 * std::sqrt(1.0 / 3) / std::sqrt(3.0);
  EXPECT_NEAR(*gain->low, 7.0 / 3 - half, 1e-12);
  EXPECT_NEAR(*gain->high, 7.0 / 3 + half, 1e-12);
  EXPECT_TRUE(gain->Separated());
  // Unpaired, the same scores would not separate: the baseline's seeds in another order.
  study.scores[StudyCell{"m", "", "xnli"}] = Seeded({{"1", 60}, {"2", 65}, {"3", 70}});
  EXPECT_FALSE(study.PairedGain("m", "nli", "xnli")->Separated());
}

TEST(Study, ABaselineWithOneReplicatePairsWithEverySeed) {
  Study study;
  study.targets = {"tatoeba"};
  study.scores[StudyCell{"m", "", "tatoeba"}] = Seeded({{"", 30}});
  study.scores[StudyCell{"m", "nli", "tatoeba"}] = Seeded({{"", 31}, {"", 33}, {"", 32}});
  study.scores.at(StudyCell{"m", "nli", "tatoeba"}).replicates[1].label = "2";
  study.scores.at(StudyCell{"m", "nli", "tatoeba"}).replicates[2].label = "3";
  const std::optional<GainStats> gain = study.PairedGain("m", "nli", "tatoeba");
  ASSERT_TRUE(gain);
  EXPECT_EQ(gain->pairs, 3);
  EXPECT_DOUBLE_EQ(gain->mean, 2);
}

TEST(Study, SeedsWithoutABaselineOfTheirOwnAreNotPaired) {
  Study study;
  study.targets = {"xnli"};
  study.scores[StudyCell{"m", "", "xnli"}] = Seeded({{"1", 70}, {"2", 60}});
  study.scores[StudyCell{"m", "nli", "xnli"}] = Seeded({{"1", 72}, {"2", 61}, {"3", 99}});
  const std::optional<GainStats> gain = study.PairedGain("m", "nli", "xnli");
  ASSERT_TRUE(gain);
  EXPECT_EQ(gain->pairs, 2);
  EXPECT_DOUBLE_EQ(gain->mean, 1.5);
  study.scores[StudyCell{"m", "nli", "xnli"}] = Seeded({{"3", 99}});
  EXPECT_FALSE(study.PairedGain("m", "nli", "xnli"));
}

TEST(Study, AverageGainIsPairedPerSeedAcrossTargets) {
  Study study;
  study.targets = {"xnli", "pawsx"};
  study.scores[StudyCell{"m", "", "xnli"}] = Seeded({{"1", 70}, {"2", 60}});
  study.scores[StudyCell{"m", "nli", "xnli"}] = Seeded({{"1", 72}, {"2", 64}});  // +2, +4
  study.scores[StudyCell{"m", "", "pawsx"}] = Seeded({{"1", 80}, {"2", 80}});
  study.scores[StudyCell{"m", "nli", "pawsx"}] = Seeded({{"1", 80}, {"2", 78}});  // 0, -2
  const std::optional<GainStats> gain = study.AverageGainStats("m", "nli");
  ASSERT_TRUE(gain);
  EXPECT_EQ(gain->pairs, 2);  // seed 1: (2 + 0) / 2 = 1; seed 2: (4 - 2) / 2 = 1
  EXPECT_DOUBLE_EQ(gain->mean, 1);
  EXPECT_DOUBLE_EQ(*gain->low, 1);
  EXPECT_DOUBLE_EQ(*study.AverageGain("m", "nli"), 1);
  EXPECT_EQ(study.Find("m", "nli", "xnli")->seeds(), 2);
  EXPECT_DOUBLE_EQ(*study.Find("m", "nli", "xnli")->Sd("de"), std::sqrt(32.0));
}

}  // namespace
}  // namespace xstilts
