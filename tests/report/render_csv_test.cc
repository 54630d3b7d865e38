#include "report/render_csv.h"

#include <gtest/gtest.h>

#include <sstream>
#include <vector>

#include "tests/report/test_study.h"

namespace xstilts {
namespace {

std::vector<std::string> Lines(const std::string& csv) {
  std::vector<std::string> lines;
  size_t begin = 0;
  for (size_t end = csv.find("\r\n"); end != std::string::npos; end = csv.find("\r\n", begin)) {
    lines.push_back(csv.substr(begin, end - begin));
    begin = end + 2;
  }
  EXPECT_EQ(begin, csv.size()) << "the CSV ends in a partial line";
  return lines;
}

TEST(RenderCsv, HeaderAndOneRowPerLanguagePlusAverage) {
  const std::vector<std::string> lines = Lines(RenderCsv(MakeTestStudy()));
  ASSERT_EQ(lines.size(), 1u + 11 * 4);  // 11 cells x (3 languages + avg)
  EXPECT_EQ(lines[0],
            "model,group,intermediate,target,metric,language,score,score_sd,n_seeds,baseline,gain,gain_ci_low,"
            "gain_ci_high,intermediate_pflops,intermediate_cpu_hours,intermediate_gpu_hours");
  EXPECT_EQ(lines[1], "xlmr,multilingual,none,xnli,accuracy,en,80.0000,,1,80.0000,0.0000,,,,,");
  EXPECT_EQ(lines[4], "xlmr,multilingual,none,xnli,accuracy,avg,70.0000,,1,70.0000,0.0000,,,,,");
  EXPECT_EQ(lines[10], "xlmr,multilingual,mnli,xnli,accuracy,de,73.0000,,1,70.0000,3.0000,,,2,2,0");
  EXPECT_EQ(lines[16], "xlmr,multilingual,mnli,panx,f1,avg,78.6667,,1,80.0000,-1.3333,,,2,2,0");
  EXPECT_EQ(lines[17], "xlmr,multilingual,squad,xnli,accuracy,en,81.0000,,1,80.0000,1.0000,,,1,1,0.5");
  // roberta/mnli has no panx cell, so its xnli rows are followed by roberta/squad.
  EXPECT_EQ(lines[36], "roberta,monolingual,mnli,xnli,accuracy,avg,54.6667,,1,53.3333,1.3333,,,0.5,0.5,0");
  EXPECT_EQ(lines[37], "roberta,monolingual,squad,xnli,accuracy,en,84.0000,,1,85.0000,-1.0000,,,0.25,0.25,0");
}

TEST(RenderCsv, ReplicatesGiveTheirCountSpreadAndTheGainsInterval) {
  const std::vector<std::string> lines = Lines(RenderCsv(MakeReplicatedTestStudy()));
  ASSERT_EQ(lines.size(), 1u + 11 * 4);
  // Baseline: seeds at -1, 0, +1 (sd 1); paired with itself, the gain is 0 with no spread.
  EXPECT_EQ(lines[1], "xlmr,multilingual,none,xnli,accuracy,en,80.0000,1.0000,3,80.0000,0.0000,0.0000,0.0000,,,");
  // roberta/mnli xnli avg: +1.3333 +- 4.303 * 0.5 / sqrt(3) = 1.2422.
  EXPECT_EQ(lines[36],
            "roberta,monolingual,mnli,xnli,accuracy,avg,54.6667,1.5000,3,53.3333,1.3333,0.0912,2.5755,0.5,0.5,0");
}

TEST(RenderCsv, EmptyFieldsWhereAValueIsMissing) {
  Study study = MakeTestStudy();
  study.scores.at(StudyCell{"xlmr", "", "xnli"}).by_language.erase("de");
  study.intermediate_compute.erase({"xlmr", "mnli"});
  const std::vector<std::string> lines = Lines(RenderCsv(study));
  EXPECT_EQ(lines[9], "xlmr,multilingual,mnli,xnli,accuracy,de,73.0000,,1,,,,,,,");
}

TEST(RenderCsv, QuotesNamesWithCommasAndQuotes) {
  Study study = MakeTestStudy();
  RenameModel(study, "xlmr", "xlm-r, \"base\"");
  const std::string csv = RenderCsv(study);
  const std::vector<std::string> lines = Lines(csv);
  EXPECT_EQ(lines[1], "\"xlm-r, \"\"base\"\"\",multilingual,none,xnli,accuracy,en,80.0000,,1,80.0000,0.0000,,,,,");
  EXPECT_EQ(csv, RenderCsv(study));
}

}  // namespace
}  // namespace xstilts
