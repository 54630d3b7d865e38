#include "eval/submission_files.h"

#include <fstream>
#include <map>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "eval/score_tasks.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

void RefuseLineBreaks(const std::string& task, const std::string& text) {
  if (text.find_first_of("\r\n") != std::string::npos) {
    throw InputError(task + ": a prediction holds a line break, which the submission's lines cannot: '" +
                     text.substr(0, 40) + "'");
  }
}

void WriteText(const fs::path& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) throw std::runtime_error("cannot write " + path.string());
}

}  // namespace

std::vector<fs::path> WriteSubmissionTask(const TaskPredictions& predictions, const fs::path& dir) {
  const TaskInfo* task = FindTask(predictions.task);
  if (task == nullptr || task->format == TaskFormat::kPairs || task->format == TaskFormat::kIndices) {
    throw InputError("task '" + predictions.task +
                     "': a submission is written for xnli, pawsx, udpos, panx, xquad, mlqa and tydiqa predictions");
  }
  const size_t rows = predictions.prediction.size();
  if (predictions.example_id.size() != rows || predictions.language.size() != rows) {
    throw InputError(predictions.task + ": predictions, ids and languages differ in count");
  }
  std::vector<std::string> languages;  // in order of first appearance
  std::map<std::string, std::string> text;
  std::map<std::string, nlohmann::json> answers;
  for (size_t r = 0; r < rows; ++r) {
    const std::string& language = predictions.language[r];
    if (!text.count(language) && !answers.count(language)) languages.push_back(language);
    const std::string& p = predictions.prediction[r];
    switch (task->format) {
      case TaskFormat::kLabels:
        RefuseLineBreaks(predictions.task, p);
        text[language] += p + "\n";
        break;
      case TaskFormat::kTags: {
        RefuseLineBreaks(predictions.task, p);
        std::string& out = text[language];
        for (size_t begin = 0; begin <= p.size() && !p.empty();) {
          size_t end = p.find(' ', begin);
          if (end == std::string::npos) end = p.size();
          out += p.substr(begin, end - begin) + "\n";
          begin = end + 1;
        }
        out += "\n";
        break;
      }
      case TaskFormat::kQa:
        answers[language][predictions.example_id[r]] = p;
        break;
      default: break;
    }
  }
  const fs::path task_dir = dir / task->name;
  fs::create_directories(task_dir);
  std::vector<fs::path> written;
  for (const std::string& language : languages) {
    const fs::path path = task_dir / ("test-" + language + "." + task->extension());
    WriteText(path, task->format == TaskFormat::kQa ? answers[language].dump() + "\n" : text[language]);
    written.push_back(path);
  }
  return written;
}

}  // namespace xstilts
