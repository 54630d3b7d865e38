// The nine XTREME tasks as evaluate.py defines them: languages (in evaluate.py's order), group,
// submission format and metric. The single source for `xstilts score`.
#pragma once

#include <string>
#include <vector>

namespace xstilts {

enum class TaskFormat {
  kLabels,    // one label per line (xnli, pawsx)
  kTags,      // one tag per line, a blank line between sentences (udpos, panx)
  kQa,        // {question id: answer} JSON; gold is SQuAD-format JSON (xquad, mlqa, tydiqa)
  kPairs,     // "src_id<TAB>trg_id" per line (bucc2018)
  kIndices,   // one target index per line (tatoeba)
};

enum class TaskMetric {
  kAccuracy,     // accuracy
  kSeqevalF1,    // f1, precision, recall
  kSquad,        // exact_match, f1 (SQuAD v1.1 normalisation)
  kMlqa,         // exact_match, f1 (MLQA normalisation for the language)
  kBuccF1,       // f1, precision, recall
};

struct TaskInfo {
  std::string name;
  std::string group;  // evaluate.py GROUP2TASK key
  TaskFormat format;
  TaskMetric metric;
  std::vector<std::string> languages;  // evaluate.py TASK2LANGS, in its order
  // The metric names in evaluate.py's order (keys of the per-language result dict).
  std::vector<std::string> metric_names() const;
  // "json" for QA, "tsv" otherwise: files are test-<lang>.<extension>.
  std::string extension() const;
};

// In evaluate.py's TASK2LANGS order: pawsx, xnli, panx, udpos, bucc2018, tatoeba, xquad, mlqa,
// tydiqa.
const std::vector<TaskInfo>& XtremeTasks();
// nullptr when `name` is not an XTREME task.
const TaskInfo* FindTask(const std::string& name);

struct TaskGroup {
  std::string name;
  std::vector<std::string> tasks;
};
// evaluate.py GROUP2TASK: classification (pawsx, xnli), tagging (udpos, panx), qa (xquad, mlqa,
// tydiqa), retrieval (bucc2018, tatoeba). "tagging" is the paper's structured prediction.
const std::vector<TaskGroup>& XtremeGroups();

// True for the tasks evaluate.py knows only as XTREME-R tasks (its XTREME_R_TASK2LANGS keys that
// are not XTREME tasks): xcopa, lareqa, mewslix. `xstilts score` does not score them.
bool IsXtremeROnlyTask(const std::string& name);

// The closest task name within edit distance 2, or "" (for "did you mean" hints).
std::string SuggestTask(const std::string& name);

}  // namespace xstilts
