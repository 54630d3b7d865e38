#include "report/render_markdown.h"

#include <gtest/gtest.h>

#include "tests/report/test_study.h"

namespace xstilts {
namespace {

// The lines from `first_line` up to the next blank line or the end, without the final newline.
std::string Section(const std::string& markdown, const std::string& first_line) {
  const size_t begin = markdown.find(first_line);
  if (begin == std::string::npos) return "<not found: " + first_line + ">";
  size_t end = markdown.find("\n\n", begin);
  if (end == std::string::npos) end = markdown.size() - 1;
  return markdown.substr(begin, end - begin);
}

// The first table after the line `heading`.
std::string TableAfter(const std::string& markdown, const std::string& heading) {
  const size_t at = markdown.find("\n" + heading + "\n");
  if (at == std::string::npos) return "<not found: " + heading + ">";
  return Section(markdown.substr(at + heading.size() + 2), "\n|").substr(1);
}

TEST(RenderMarkdown, SummaryTableLikeThePapersMainTable) {
  const std::string markdown = RenderMarkdown(MakeTestStudy());
  EXPECT_EQ(Section(markdown, "| model | intermediate | seeds | xnli (accuracy)"),
            "| model | intermediate | seeds | xnli (accuracy) | panx (f1) | avg | Δ avg | 95% interval |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|\n"
            "| xlmr | none (baseline) | 1 | 70.0 | 80.0 | 75.0 | - | - |\n"
            "| xlmr | mnli | 1 | 72.0 | 78.7 | 75.3 | +0.3 | - |\n"
            "| xlmr | squad | 1 | 71.3 | 81.0 | 76.2 | +1.2 | - |\n"
            "| roberta | none (baseline) | 1 | 53.3 | 57.3 | 55.3 | - | - |\n"
            "| roberta | mnli | 1 | 54.7 | - | 54.7 | +1.3 | - |\n"
            "| roberta | squad | 1 | 52.7 | 58.3 | 55.5 | +0.2 | - |");
}

TEST(RenderMarkdown, ReplicatedGainsCarryTheirIntervalAndAMarkWhereItExcludesZero) {
  const std::string markdown = RenderMarkdown(MakeReplicatedTestStudy());
  const std::string summary = Section(markdown, "| model | intermediate | seeds");
  EXPECT_NE(summary.find("| xlmr | squad | 3 | 71.3 | 81.0 | 76.2 | +1.2 | -0.1 to +2.4 |"), std::string::npos)
      << summary;
  EXPECT_NE(summary.find("| roberta | mnli | 3 | 54.7 | - | 54.7 | +1.3* | +0.1 to +2.6 |"), std::string::npos)
      << summary;
  EXPECT_NE(TableAfter(markdown, "### xnli (accuracy)").find("| roberta | mnli | 87.0 (+2.0*) |"), std::string::npos);
  // The summary sentence names only gains whose interval excludes 0.
  EXPECT_NE(markdown.find("among gains whose 95% interval excludes 0: xlmr: none (3 seeds); roberta: mnli (+1.3 "
                          "points, 95% interval +0.1 to +2.6, 3 seeds)."),
            std::string::npos)
      << markdown.substr(0, 900);
}

TEST(RenderMarkdown, PerTargetCellsCarryTheGain) {
  const std::string markdown = RenderMarkdown(MakeTestStudy());
  EXPECT_EQ(TableAfter(markdown, "### xnli (accuracy)"),
            "| model | intermediate | en | de | sw | avg |\n"
            "|---|---|---:|---:|---:|---:|\n"
            "| xlmr | none (baseline) | 80.0 | 70.0 | 60.0 | 70.0 |\n"
            "| xlmr | mnli | 82.0 (+2.0) | 73.0 (+3.0) | 61.0 (+1.0) | 72.0 (+2.0) |\n"
            "| xlmr | squad | 81.0 (+1.0) | 71.0 (+1.0) | 62.0 (+2.0) | 71.3 (+1.3) |\n"
            "| roberta | none (baseline) | 85.0 | 40.0 | 35.0 | 53.3 |\n"
            "| roberta | mnli | 87.0 (+2.0) | 41.0 (+1.0) | 36.0 (+1.0) | 54.7 (+1.3) |\n"
            "| roberta | squad | 84.0 (-1.0) | 39.0 (-1.0) | 35.0 (+0.0) | 52.7 (-0.7) |");
  const std::string panx = TableAfter(markdown, "### panx (f1)");
  EXPECT_EQ(panx.substr(0, panx.find('\n')), "| model | intermediate | en | de | sw | avg |");
  EXPECT_NE(panx.find("\n| roberta | mnli | - | - | - | - |\n"), std::string::npos);  // the missing cell
}

TEST(RenderMarkdown, EfficiencyPerGroupAndComputeTotals) {
  const std::string markdown = RenderMarkdown(MakeTestStudy());
  EXPECT_EQ(TableAfter(markdown, "### multilingual models"),
            "| model | intermediate | PFLOP | projected | CPU-h | GPU-h | wall | Δ avg | pts/PFLOP | pts/CPU-h | "
            "pts/GPU-h |\n"
            "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n"
            "| xlmr | mnli | 2.00 | - | 2.00 | 0 | 1:00:00 | +0.3 | +0.167 | +0.167 | - |\n"
            "| xlmr | squad | 1.00 | - | 1.00 | 0.500 | 0:30:00 | +1.2 | +1.167 | +1.167 | +2.33 |");
  const std::string mono = TableAfter(markdown, "### monolingual models");
  EXPECT_EQ(mono.substr(mono.find("| roberta | mnli")),
            "| roberta | mnli | 0.500 | - | 0.500 | 0 | 0:15:00 | +1.3 | +2.667 | +2.667 | - |\n"
            "| roberta | squad | 0.250 | - | 0.250 | 0 | 0:10:00 | +0.2 | +0.667 | +0.667 | - |");
  EXPECT_EQ(TableAfter(markdown, "## Compute"),
            "|  | PFLOP | projected | tokens | CPU-h | GPU-h | wall | nodes |\n"
            "|---|---:|---:|---:|---:|---:|---:|---:|\n"
            "| total | 10.00 | - | 5.00e+07 | 10.00 | 1.00 | 5:33:20 | 20 |\n"
            "| reused | 4.00 | - | 2.00e+07 | 4.00 | 0 | 2:00:00 | 8 |");
}

TEST(RenderMarkdown, OneNumberFormatPerColumn) {
  Study study = MakeTestStudy();
  study.intermediate_compute.at({"xlmr", "mnli"}).flops = 2e20;  // 2e5 PFLOP: the column turns scientific
  const std::string table = TableAfter(RenderMarkdown(study), "### multilingual models");
  EXPECT_NE(table.find("| xlmr | mnli | 2.00e+05 |"), std::string::npos) << table;
  EXPECT_NE(table.find("| xlmr | squad | 1.00e+00 |"), std::string::npos) << table;
}

TEST(RenderMarkdown, ProjectedComputeStandsNextToTheRecorded) {
  Study study = MakeTestStudy();
  study.intermediate_compute.at({"xlmr", "mnli"}).projected_flops = 2.2e15;
  study.total.projected_flops = 9e15;
  const std::string markdown = RenderMarkdown(study);
  EXPECT_NE(TableAfter(markdown, "### multilingual models").find("| xlmr | mnli | 2.00 | 2.20 | 2.00 |"),
            std::string::npos);
  EXPECT_NE(TableAfter(markdown, "## Compute").find("| total | 10.00 | 9.00 |"), std::string::npos);
}

TEST(RenderMarkdown, TargetsShowTheirChanceLevel) {
  Study study = MakeTestStudy();
  study.chance["xnli"] = 100.0 / 3;
  const std::string markdown = RenderMarkdown(study);
  EXPECT_NE(markdown.find("### xnli (accuracy, chance 33.3)\n"), std::string::npos);
  EXPECT_NE(markdown.find("### panx (f1)\n"), std::string::npos);
}

TEST(RenderMarkdown, TitleAndSummaryParagraph) {
  const std::string markdown = RenderMarkdown(MakeTestStudy());
  EXPECT_EQ(markdown.substr(0, markdown.find("\n\n## Summary")),
            "# Test study\n\n"
            "The study compares 2 models (1 multilingual, 1 monolingual) with 2 English intermediate tasks on 2 "
            "target tasks in 3 languages. With one seed per result no gain can be told from seed noise: "
            "replicate the trainings over seeds for intervals. Intermediate training cost 3.75 PFLOP, 3.75 CPU-hours and 0.500 "
            "GPU-hours in total. The results rest on 20 nodes (10.0 PFLOP, 10.0 CPU-hours); this run reused 8 of "
            "them from the cache (4.00 PFLOP, 4.00 CPU-hours).");
  EXPECT_EQ(markdown.back(), '\n');
  EXPECT_NE(markdown[markdown.size() - 2], '\n');
}

TEST(RenderMarkdown, NoIntermediateHelpsIsSaidSo) {
  Study study = MakeReplicatedTestStudy();
  for (const char* target : {"xnli", "panx"}) {
    for (Replicate& r : study.scores.at(StudyCell{"xlmr", "", target}).replicates) r.average += 10;
  }
  const std::string markdown = RenderMarkdown(study);
  EXPECT_NE(markdown.find("xlmr: none helps; squad loses 8.8 points (95% interval -10.1 to -7.6, 3 seeds)"),
            std::string::npos)
      << markdown.substr(0, 900);
}

TEST(RenderMarkdown, EscapesPipesInNames) {
  Study study = MakeTestStudy();
  RenameModel(study, "xlmr", "xlm|r");
  const std::string markdown = RenderMarkdown(study);
  EXPECT_NE(markdown.find("| xlm\\|r | mnli | 1 | 72.0 | 78.7 | 75.3 | +0.3 | - |\n"), std::string::npos);
  EXPECT_EQ(markdown.find("xlm|r"), std::string::npos);
  EXPECT_EQ(markdown, RenderMarkdown(study));
}

}  // namespace
}  // namespace xstilts
