// The result of `xstilts score` and its two renderings: text in evaluate.py's layout and one JSON
// object. Value types and pure functions.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "eval/score_task.h"

namespace xstilts {

struct ScoreReport {
  bool all_tasks = false;                  // `--task all`: adds the XTREME summary
  std::vector<TaskScores> tasks;           // in evaluate.py's task order
  std::vector<std::string> missing_tasks;  // --task all: tasks without folders in both places
  // evaluate.py GROUP2TASK order; nullopt when a task of the group is missing.
  std::vector<std::pair<std::string, std::optional<double>>> groups;
  // evaluate.py's overall score: mean of the nine tasks' avg_metric; only with all nine.
  std::optional<double> all_task;
  // The mean of the four group scores; only with all four groups.
  std::optional<double> xtreme;
};

// Fills groups, all_task and xtreme from `tasks` (all_tasks mode only).
ScoreReport BuildScoreReport(std::vector<TaskScores> tasks, bool all_tasks,
                             std::vector<std::string> missing_tasks);

// Per task, what evaluate.py prints for it, and for panx and udpos which seqeval scored them:
//   ====== <task> ======
//   (blank)
//   ------ <metric> ------          one block per metric
//   <lang>, <lang>, ...
//   <score>, <score>, ...            %.2f
//   (blank)
//   <metric>: <avg>                  one line per metric, then
//   metric: <avg_metric>
//   seqeval: <version>               panx, udpos only (not printed by evaluate.py)
// With all_tasks, then an "====== xtreme ======" block: each present task's avg_metric, the four
// group scores, all_task and xtreme (or what is missing for them).
std::string FormatScoreText(const ScoreReport& report);

// One JSON object: {"tasks": {task: {metric: {lang: score}, "avg_<metric>": x, "avg_metric": x}}}
// (panx and udpos also "seqeval": "<version>") and with all_tasks also "missing_tasks", "groups"
// (null when incomplete), "all_task", "xtreme". Numbers are not rounded.
std::string FormatScoreJson(const ScoreReport& report);

}  // namespace xstilts
