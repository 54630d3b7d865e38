#include "eval/score_command.h"

#include <algorithm>
#include <ostream>
#include <system_error>

#include "eval/score_report.h"
#include "eval/score_task.h"
#include "eval/score_tasks.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

std::string TaskList() {
  std::string out;
  for (const TaskInfo& task : XtremeTasks()) out += task.name + ", ";
  return out + "all";
}

std::string UnknownTaskMessage(const std::string& name) {
  if (IsXtremeROnlyTask(name)) {
    return "task '" + name + "' is an XTREME-R task, which xstilts score does not score (tasks: " +
           TaskList() + ")";
  }
  std::string message = "unknown task '" + name + "'";
  const std::string suggestion = SuggestTask(name);
  if (!suggestion.empty()) message += "; did you mean '" + suggestion + "'?";
  return message + " (tasks: " + TaskList() + ")";
}

std::vector<std::string> SubFolders(const fs::path& dir) {
  std::vector<std::string> names;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.empty() && name[0] != '.' && it->is_directory(ec)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

int Fail(const std::vector<std::string>& errors, std::ostream& err) {
  for (const std::string& e : errors) err << "error: " << e << "\n";
  return kScoreBadInput;
}

}  // namespace

int RunScore(const ScoreOptions& options, std::ostream& out, std::ostream& err) {
  ScoreDiagnostics diagnostics;
  const bool all = options.task == "all";
  const TaskInfo* single = all ? nullptr : FindTask(options.task);
  if (!all && single == nullptr) diagnostics.errors.push_back(UnknownTaskMessage(options.task));
  std::error_code ec;
  if (!fs::is_directory(options.predictions, ec)) {
    diagnostics.errors.push_back(options.predictions.string() +
                                 ": predictions folder does not exist");
  }
  if (!fs::is_directory(options.labels, ec)) {
    diagnostics.errors.push_back(options.labels.string() + ": labels folder does not exist");
  }
  if (!diagnostics.errors.empty()) return Fail(diagnostics.errors, err);

  std::vector<TaskScores> tasks;
  std::vector<std::string> missing_tasks;
  if (single != nullptr) {
    if (auto scores =
            ScoreTask(*single, options.predictions, options.labels, options.seqeval, diagnostics)) {
      tasks.push_back(std::move(*scores));
    }
  } else {
    // evaluate.py scores every task that has a folder in both places and ignores other folders.
    // XTREME-R tasks (evaluate.py --xtreme_version xtreme-r) are skipped with a note; any other
    // unknown folder among the predictions is more likely a misspelt task, so it is an error.
    const std::vector<std::string> predicted = SubFolders(options.predictions);
    const std::vector<std::string> gold = SubFolders(options.labels);
    for (const std::string& name : predicted) {
      if (IsXtremeROnlyTask(name)) {
        diagnostics.notes.push_back("task " + name + " not scored: an XTREME-R task, not one of "
                                    "XTREME's nine (" +
                                    (options.predictions / name).string() + ")");
      } else if (FindTask(name) == nullptr) {
        diagnostics.errors.push_back((options.predictions / name).string() + ": " +
                                     UnknownTaskMessage(name));
      }
    }
    const auto has = [](const std::vector<std::string>& names, const std::string& name) {
      return std::find(names.begin(), names.end(), name) != names.end();
    };
    for (const TaskInfo& task : XtremeTasks()) {
      const bool in_predictions = has(predicted, task.name);
      const bool in_labels = has(gold, task.name);
      if (!in_predictions || !in_labels) {
        missing_tasks.push_back(task.name);
        const fs::path absent = in_predictions ? options.labels : options.predictions;
        diagnostics.notes.push_back("task " + task.name + " not scored: no folder " +
                                    (absent / task.name).string());
        continue;
      }
      if (auto scores =
              ScoreTask(task, options.predictions, options.labels, options.seqeval, diagnostics)) {
        tasks.push_back(std::move(*scores));
      }
    }
    if (missing_tasks.size() == XtremeTasks().size()) {
      diagnostics.errors.push_back(options.predictions.string() + ", " + options.labels.string() +
                                   ": no task folder is in both (tasks: " + TaskList() + ")");
    }
  }
  if (!diagnostics.errors.empty()) return Fail(diagnostics.errors, err);

  for (const std::string& note : diagnostics.notes) err << "note: " << note << "\n";
  const ScoreReport report = BuildScoreReport(std::move(tasks), all, std::move(missing_tasks));
  out << (options.json ? FormatScoreJson(report) : FormatScoreText(report));
  return kScoreOk;
}

}  // namespace xstilts
