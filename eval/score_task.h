// Scores one XTREME task from a submission folder against a gold folder, as evaluate.py's
// evaluate_one_task and its per-task averaging do:
//   <predictions>/<task>/test-<lang>.<ext> against <labels>/<task>/test-<lang>.<ext>,
//   ext = json for xquad, mlqa, tydiqa (gold: the dataset's SQuAD-format JSON) and tsv otherwise.
// Every language of the task must be present in both folders. Not thread-affine; reads files only.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "eval/metrics_seqeval.h"
#include "eval/score_tasks.h"

namespace xstilts {

struct TaskScores {
  const TaskInfo* task = nullptr;
  std::vector<std::string> metric_names;     // evaluate.py order, e.g. f1, precision, recall
  std::vector<std::vector<double>> values;   // [metric][language], task->languages order
  std::vector<double> averages;              // avg_<metric>: mean over languages
  double avg_metric = 0;  // QA: (avg_exact_match + avg_f1) / 2; else avg_f1 or avg_accuracy
  std::optional<SeqevalVersion> seqeval;  // panx, udpos: the seqeval release that scored them
};

// Problems found while scoring: every message names a file (and line or JSON path). `notes` are
// not errors (e.g. unanswered QA questions, which score 0 as in the official scripts).
struct ScoreDiagnostics {
  std::vector<std::string> errors;
  std::vector<std::string> notes;
};

// Scores `task` for all its languages, seqeval tasks with the chunking of release `seqeval`.
// Returns nullopt when any error was found; every error (all languages, missing files, unknown
// languages among the predictions) is appended to `diagnostics.errors`.
std::optional<TaskScores> ScoreTask(const TaskInfo& task, const std::filesystem::path& predictions,
                                    const std::filesystem::path& labels, SeqevalVersion seqeval,
                                    ScoreDiagnostics& diagnostics);

// Scores of one language (metric values in metric_names() order). Throws InputError.
std::vector<double> ScoreLanguage(const TaskInfo& task, const std::string& language,
                                  const std::filesystem::path& prediction_file,
                                  const std::filesystem::path& label_file, SeqevalVersion seqeval,
                                  std::vector<std::string>& notes);

}  // namespace xstilts
