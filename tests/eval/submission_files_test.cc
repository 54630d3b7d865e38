// WriteSubmissionTask against XTREME's own mock submission (tests/data/xtreme_mock): the mock
// predictions, read back into rows as the evaluate node holds them and written again, score
// exactly as the originals do. So the files have XTREME's layout, line for line.
#include "eval/submission_files.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "eval/score_task.h"
#include "eval/score_tasks.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
const fs::path kMock = fs::path(XSTILTS_SOURCE_DIR) / "tests" / "data" / "xtreme_mock";

std::string ReadText(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The mock's prediction files of `task` as the evaluate node's rows.
TaskPredictions MockRows(const TaskInfo& task) {
  TaskPredictions rows;
  rows.task = task.name;
  for (const std::string& language : task.languages) {
    const std::string text = ReadText(kMock / "predictions" / task.name / ("test-" + language + "." + task.extension()));
    auto add = [&](const std::string& id, const std::string& prediction) {
      rows.example_id.push_back(id);
      rows.language.push_back(language);
      rows.prediction.push_back(prediction);
    };
    if (task.format == TaskFormat::kQa) {
      const nlohmann::json answers = nlohmann::json::parse(text);
      for (const auto& [id, answer] : answers.items()) add(id, answer.get<std::string>());
      continue;
    }
    std::istringstream lines(text);
    std::string line, sentence;
    int n = 0;
    bool open = false;
    while (std::getline(lines, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (task.format == TaskFormat::kLabels) {
        if (!line.empty()) add(std::to_string(n++), line);
      } else if (line.empty()) {
        if (open) add(std::to_string(n++), sentence);
        sentence.clear();
        open = false;
      } else {
        sentence += (open ? " " : "") + line;
        open = true;
      }
    }
    if (open) add(std::to_string(n++), sentence);
  }
  return rows;
}

TaskScores Score(const TaskInfo& task, const fs::path& predictions) {
  ScoreDiagnostics diagnostics;
  std::optional<TaskScores> scores = ScoreTask(task, predictions, kMock / "labels", kXtremeSeqevalVersion, diagnostics);
  EXPECT_TRUE(scores) << (diagnostics.errors.empty() ? "" : diagnostics.errors.front());
  return scores ? *scores : TaskScores();
}

class SubmissionFiles : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xstilts_submission_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  fs::path dir_;
};

TEST_F(SubmissionFiles, RewrittenMockPredictionsScoreAsTheOriginals) {
  for (const std::string name : {"xnli", "pawsx", "udpos", "panx", "xquad", "mlqa", "tydiqa"}) {
    const TaskInfo& task = *FindTask(name);
    const TaskPredictions rows = MockRows(task);
    ASSERT_FALSE(rows.prediction.empty()) << name;
    const std::vector<fs::path> written = WriteSubmissionTask(rows, dir_);
    EXPECT_EQ(written.size(), task.languages.size()) << name;
    const TaskScores original = Score(task, kMock / "predictions");
    const TaskScores rewritten = Score(task, dir_);
    EXPECT_EQ(rewritten.averages, original.averages) << name;
    EXPECT_EQ(rewritten.values, original.values) << name;
  }
  // Line for line: a label file is the mock's with its line ends normalised.
  std::string mock = ReadText(kMock / "predictions" / "xnli" / "test-de.tsv");
  mock.erase(std::remove(mock.begin(), mock.end(), '\r'), mock.end());
  if (!mock.empty() && mock.back() != '\n') mock += '\n';
  EXPECT_EQ(ReadText(dir_ / "xnli" / "test-de.tsv"), mock);
}

TEST_F(SubmissionFiles, RefusesRetrievalTasksAndLineBreaks) {
  TaskPredictions tatoeba{"tatoeba", {"0"}, {"de"}, {"3"}};
  EXPECT_THROW(WriteSubmissionTask(tatoeba, dir_), InputError);
  TaskPredictions broken{"xnli", {"0"}, {"de"}, {"entailment\nneutral"}};
  EXPECT_THROW(WriteSubmissionTask(broken, dir_), InputError);
  TaskPredictions uneven{"xnli", {"0", "1"}, {"de"}, {"entailment"}};
  EXPECT_THROW(WriteSubmissionTask(uneven, dir_), InputError);
}

TEST_F(SubmissionFiles, TagsGoOnePerLineWithABlankLineAfterEachSentence) {
  TaskPredictions rows{"udpos", {"0", "1"}, {"de", "de"}, {"DET NOUN VERB", "PUNCT"}};
  WriteSubmissionTask(rows, dir_);
  EXPECT_EQ(ReadText(dir_ / "udpos" / "test-de.tsv"), "DET\nNOUN\nVERB\n\nPUNCT\n\n");
}

}  // namespace
}  // namespace xstilts
