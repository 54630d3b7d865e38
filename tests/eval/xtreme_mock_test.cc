// XTREME's own mock submission (tests/data/xtreme_mock, copied from google-research/xtreme, see its
// README) scored by xstilts score's code: every average XTREME's evaluate_test.py expects, to 1e-9.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <sstream>
#include <string>

#include "eval/score_command.h"
#include "eval/score_task.h"
#include "eval/score_tasks.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

const fs::path kMock = fs::path(XSTILTS_SOURCE_DIR) / "tests" / "data" / "xtreme_mock";

using Averages = std::map<std::string, double>;  // "avg_<metric>" -> value

// The averages of `task` on the mock submission, keyed like evaluate_test.py's dictionaries.
Averages MockAverages(const std::string& task, SeqevalVersion seqeval) {
  ScoreDiagnostics diagnostics;
  const std::optional<TaskScores> scores =
      ScoreTask(*FindTask(task), kMock / "predictions", kMock / "labels", seqeval, diagnostics);
  EXPECT_TRUE(diagnostics.errors.empty()) << diagnostics.errors.front();
  Averages out;
  if (!scores) return out;
  for (std::size_t m = 0; m < scores->metric_names.size(); ++m) {
    out["avg_" + scores->metric_names[m]] = scores->averages[m];
  }
  return out;
}

void ExpectAverages(const std::string& task, const Averages& actual, const Averages& expected) {
  ASSERT_EQ(actual.size(), expected.size()) << task;
  for (const auto& [name, value] : expected) {
    ASSERT_TRUE(actual.count(name)) << task << " " << name;
    EXPECT_NEAR(actual.at(name), value, 1e-9) << task << " " << name;
  }
}

// evaluate_test.py TASK2AVG_SCORES (google-research/xtreme, evaluate_test.py, commit 838c13b),
// which the averages of seqeval 0.0.12 meet.
TEST(XtremeMock, DefaultReproducesEvaluateTestPy) {
  const std::map<std::string, Averages> expected = {
      {"pawsx", {{"avg_accuracy", 51.42857142857143}}},
      {"xnli", {{"avg_accuracy", 30.666666666666668}}},
      {"panx",
       {{"avg_f1", 57.50793650793652},
        {"avg_precision", 54.729166666666664},
        {"avg_recall", 62.750000000000014}}},
      {"udpos",
       {{"avg_f1", 70.21746048354693},
        {"avg_precision", 71.02232625883823},
        {"avg_recall", 69.54982073976082}}},
      {"bucc2018", {{"avg_f1", 55.0}, {"avg_precision", 55.0}, {"avg_recall", 55.0}}},
      {"tatoeba", {{"avg_accuracy", 53.611111111111114}}},
      {"xquad", {{"avg_exact_match", 77.27272727272727}, {"avg_f1", 79.9586776859504}}},
      {"mlqa", {{"avg_exact_match", 57.142857142857146}, {"avg_f1", 81.76870748299321}}},
      {"tydiqa", {{"avg_exact_match", 88.88888888888889}, {"avg_f1", 97.22222222222223}}},
  };
  ASSERT_EQ(expected.size(), XtremeTasks().size());
  for (const auto& [task, averages] : expected) {
    ExpectAverages(task, MockAverages(task, kXtremeSeqevalVersion), averages);
  }
}

// evaluate.py with seqeval 1.2.2 (its get_entities, micro P/R/F1) on the same files. Only UD-POS
// changes: CCONJ and SCONJ share a type there, and a trailing X chunk is dropped. PAN-X's tags
// read alike in both releases.
TEST(XtremeMock, Seqeval122ReproducesEvaluatePyWithTheCurrentSeqeval) {
  ExpectAverages("udpos", MockAverages("udpos", SeqevalVersion::k1_2_2),
                 {{"avg_f1", 70.39805810699043},
                  {"avg_precision", 71.21832908642001},
                  {"avg_recall", 69.71397801088123}});
  ExpectAverages("panx", MockAverages("panx", SeqevalVersion::k1_2_2),
                 {{"avg_f1", 57.50793650793652},
                  {"avg_precision", 54.729166666666664},
                  {"avg_recall", 62.750000000000014}});
}

// The mock folders also hold mewslix (XTREME-R): --task all skips it with a note and scores the
// nine XTREME tasks.
TEST(XtremeMock, AllTasksSkipMewslixAndScoreTheNine) {
  ScoreOptions options;
  options.task = "all";
  options.predictions = kMock / "predictions";
  options.labels = kMock / "labels";
  std::ostringstream out;
  std::ostringstream err;
  ASSERT_EQ(RunScore(options, out, err), kScoreOk) << err.str();
  EXPECT_EQ(err.str(), "note: task mewslix not scored: an XTREME-R task, not one of XTREME's "
                       "nine (" + (options.predictions / "mewslix").string() + ")\n");
  // The summary's last lines: all nine tasks are there, so all_task and xtreme are numbers.
  EXPECT_NE(out.str().find("\nall_task: "), std::string::npos) << out.str();
  EXPECT_EQ(out.str().find("missing"), std::string::npos) << out.str();
  EXPECT_NE(out.str().find("metric: 70.22\nseqeval: 0.0.12\n"), std::string::npos) << out.str();
}

}  // namespace
}  // namespace xstilts
