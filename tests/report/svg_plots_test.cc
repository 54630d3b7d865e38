#include "report/svg_labels.h"
#include "report/svg_plots.h"

#include <gtest/gtest.h>

#include <cmath>

#include "tests/report/test_study.h"

namespace xstilts {
namespace {

using Points = std::vector<std::pair<double, double>>;

TEST(ParetoFront, KeepsTheUndominatedPointsSortedByCompute) {
  // The test study's points: xlmr/mnli, xlmr/squad, roberta/mnli, roberta/squad.
  const Points points = {{2, 1.0 / 3}, {1, 7.0 / 6}, {0.5, 4.0 / 3}, {0.25, 1.0 / 6}};
  EXPECT_EQ(ParetoFront(points), (std::vector<size_t>{3, 2}));
}

TEST(ParetoFront, TiesAndDuplicates) {
  // Same compute, lower gain: dominated. Same gain, more compute: dominated. Equal points: both stay.
  EXPECT_EQ(ParetoFront(Points{{1, 2}, {1, 1}}), (std::vector<size_t>{0}));
  EXPECT_EQ(ParetoFront(Points{{2, 1}, {1, 1}}), (std::vector<size_t>{1}));
  EXPECT_EQ(ParetoFront(Points{{1, 1}, {1, 1}, {3, 5}}), (std::vector<size_t>{0, 1, 2}));
  EXPECT_EQ(ParetoFront(Points{{0, -1}, {5, 3}, {4, 3}, {6, 2}}), (std::vector<size_t>{0, 2}));
}

TEST(ParetoFront, EmptySingleAndNan) {
  EXPECT_TRUE(ParetoFront(Points{}).empty());
  EXPECT_EQ(ParetoFront(Points{{3, -2}}), (std::vector<size_t>{0}));
  EXPECT_EQ(ParetoFront(Points{{std::nan(""), 9}, {1, 1}}), (std::vector<size_t>{1}));
}

TEST(GainScatter, OnePointPerVariantWithComputeAndGain) {
  Study study = MakeTestStudy();
  study.intermediate_compute.erase({"roberta", "squad"});  // no compute: no point
  const std::vector<ScatterPoint> points = ScatterPoints(study);
  ASSERT_EQ(points.size(), 3u);
  EXPECT_EQ(points[2].model, "roberta");
  EXPECT_EQ(points[2].intermediate, "mnli");
  EXPECT_EQ(points[2].group, ModelGroup::kMonolingual);
  EXPECT_DOUBLE_EQ(points[2].pflops, 0.5);
  EXPECT_NEAR(points[2].gain, 4.0 / 3, 1e-12);
  const std::string svg = RenderGainScatterSvg(study);
  EXPECT_EQ(CountOccurrences(svg, "<g class=\"point\">"), 3u);
}

TEST(GainScatter, LabelsLegendFrontAndLinearAxis) {
  const std::string svg = RenderGainScatterSvg(MakeTestStudy());
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_EQ(CountOccurrences(svg, "<g class=\"point\">"), 4u);
  EXPECT_EQ(CountOccurrences(svg, "class=\"pareto-point\""), 2u);
  EXPECT_NE(svg.find("<title>roberta / mnli: 0.500 PFLOP, +1.33 points</title>"), std::string::npos);
  EXPECT_NE(svg.find(">xlmr / squad</text>"), std::string::npos);
  EXPECT_NE(svg.find(">multilingual</text>"), std::string::npos);
  EXPECT_NE(svg.find(">monolingual</text>"), std::string::npos);
  EXPECT_NE(svg.find(">Pareto front</text>"), std::string::npos);
  // 0.25 to 2 PFLOP spans 8x: linear from 0 in steps of 0.5.
  EXPECT_NE(svg.find("(PFLOP)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1.5</text>"), std::string::npos);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
}

TEST(GainScatter, LogAxisWhenComputeSpansDecadesAndZeroGetsItsOwnTick) {
  Study study = MakeTestStudy();
  study.intermediate_compute[{"xlmr", "mnli"}].flops = 200e15;  // 0.25 .. 200: 800x
  std::string svg = RenderGainScatterSvg(study);
  EXPECT_NE(svg.find("(PFLOP, log scale)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">100</text>"), std::string::npos);
  EXPECT_NE(svg.find(">0.1</text>"), std::string::npos);
  EXPECT_EQ(svg.find("text-anchor=\"middle\">0</text>"), std::string::npos);
  study.intermediate_compute[{"roberta", "squad"}].flops = 0;
  svg = RenderGainScatterSvg(study);
  EXPECT_NE(svg.find("text-anchor=\"middle\">0</text>"), std::string::npos);
  EXPECT_EQ(CountOccurrences(svg, "<g class=\"point\">"), 4u);
}

TEST(GainScatter, SmallComputeIsCountedInASmallerUnit) {
  Study study = MakeTestStudy();
  for (auto& [key, compute] : study.intermediate_compute) compute.flops *= 1e-6;  // 0.25 .. 2 GFLOP
  const std::string svg = RenderGainScatterSvg(study);
  EXPECT_NE(svg.find("intermediate training compute (GFLOP)</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1.5</text>"), std::string::npos);  // the same ticks as in PFLOP above
  EXPECT_NE(svg.find("<title>roberta / mnli: 0.500 GFLOP, +1.33 points</title>"), std::string::npos);  // as the axis
}

TEST(GainScatter, SinglePointWithZeroComputeAndGain) {
  Study study = MakeTestStudy();
  study.intermediates = {"mnli"};
  study.intermediate_compute = {{{"xlmr", "mnli"}, Compute{}}};
  study.scores[StudyCell{"xlmr", "mnli", "xnli"}] = study.scores.at(StudyCell{"xlmr", "", "xnli"});
  study.scores[StudyCell{"xlmr", "mnli", "panx"}] = study.scores.at(StudyCell{"xlmr", "", "panx"});
  const std::string svg = RenderGainScatterSvg(study);
  EXPECT_EQ(CountOccurrences(svg, "<g class=\"point\">"), 1u);
  EXPECT_EQ(CountOccurrences(svg, "class=\"pareto-point\""), 1u);
  EXPECT_NE(svg.find("(PFLOP)</text>"), std::string::npos);  // linear: nothing to span
  EXPECT_NE(svg.find(">-0.4</text>"), std::string::npos);    // gain axis widened around 0
  EXPECT_EQ(svg.find("nan"), std::string::npos);
  EXPECT_EQ(svg.find("inf"), std::string::npos);
}

TEST(GainScatter, NoPointsGivesAnEmptyFrame) {
  Study study = MakeTestStudy();
  study.intermediate_compute.clear();
  const std::string svg = RenderGainScatterSvg(study);
  EXPECT_NE(svg.find("no intermediate task has both compute and a gain"), std::string::npos);
  EXPECT_EQ(CountOccurrences(svg, "<g class=\"point\">"), 0u);
}

TEST(GainHeatMap, OneCellPerLanguageAndTargetWithTheMeanGain) {
  const std::string svg = RenderGainHeatMapSvg(MakeTestStudy(), "xlmr");
  EXPECT_EQ(CountOccurrences(svg, "<rect class=\"cell\""), 6u);  // 3 languages x 2 targets
  EXPECT_NE(svg.find("<title>xlmr / xnli / de: +2.0</title>"), std::string::npos);   // (+3 + +1) / 2
  EXPECT_NE(svg.find("<title>xlmr / panx / sw: -1.0</title>"), std::string::npos);   // (-2 + 0) / 2
  // The largest magnitude (+2.0) gets the full gain colour and the legend's end.
  EXPECT_NE(svg.find("fill=\"#2166ac\" stroke=\"#ffffff\"/><text x=\"128.00\" y=\"102.00\""), std::string::npos);
  EXPECT_NE(svg.find(">+2.0</text>"), std::string::npos);
  EXPECT_NE(svg.find(">-2.0</text>"), std::string::npos);
}

TEST(GainHeatMap, EveryModelsMapSharesOneSymmetricScale) {
  Study study = MakeTestStudy();
  ScoreRow& row = study.scores.at(StudyCell{"roberta", "squad", "panx"});
  row.by_language["sw"] = 38;  // roberta's largest gain becomes +8 (sw, panx)
  const std::string xlmr = RenderGainHeatMapSvg(study, "xlmr");
  EXPECT_NE(xlmr.find(">+8.0</text>"), std::string::npos);  // the legend: roberta's range in xlmr's map
  EXPECT_NE(xlmr.find(">-8.0</text>"), std::string::npos);
  EXPECT_EQ(xlmr.find("fill=\"#2166ac\" stroke"), std::string::npos);  // xlmr's +2.0 is no longer full blue
  EXPECT_NE(RenderGainHeatMapSvg(study, "roberta").find("fill=\"#2166ac\" stroke"), std::string::npos);
}

TEST(GainHeatMap, MissingCellsAreGreyDashes) {
  Study study = MakeTestStudy();
  study.scores.erase(StudyCell{"roberta", "squad", "panx"});  // with mnli/panx missing: no panx gain
  const std::string svg = RenderGainHeatMapSvg(study, "roberta");
  EXPECT_EQ(CountOccurrences(svg, "<rect class=\"cell\""), 6u);
  EXPECT_EQ(CountOccurrences(svg, "fill=\"#d9d9d9\""), 3u);
  EXPECT_NE(svg.find("<title>roberta / panx / en: -</title>"), std::string::npos);
}

TEST(GainHeatMap, EscapesNamesAndIsDeterministic) {
  Study study = MakeTestStudy();
  RenameModel(study, "xlmr", "<b>&");
  const std::string svg = RenderGainHeatMapSvg(study, "<b>&");
  EXPECT_NE(svg.find("<title>&lt;b&gt;&amp; / xnli / de: +2.0</title>"), std::string::npos);
  EXPECT_EQ(svg.find("<b>"), std::string::npos);
  EXPECT_EQ(svg, RenderGainHeatMapSvg(study, "<b>&"));
}

TEST(GainHeatMap, ALongModelNameWidensThePictureToFitTheTitle) {
  Study study = MakeTestStudy();
  const std::string name = "xlm-roberta-large-with-a-long-checkpoint-name";
  RenameModel(study, "xlmr", name);
  const std::string svg = RenderGainHeatMapSvg(study, name);
  const std::string::size_type at = svg.find("width=\"");
  ASSERT_NE(at, std::string::npos);
  const double width = std::stod(svg.substr(at + 7));
  EXPECT_GE(width, TextWidth(name + ": mean gain over 2 intermediate tasks (points)", 13) + 10);
}

}  // namespace
}  // namespace xstilts
