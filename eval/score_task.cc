#include "eval/score_task.h"

#include <algorithm>
#include <set>
#include <stdexcept>
#include <system_error>

#include "base/input_error.h"
#include "eval/metrics_accuracy.h"
#include "eval/metrics_bucc.h"
#include "eval/metrics_qa.h"
#include "eval/metrics_seqeval.h"
#include "eval/score_files.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

std::string Join(const std::vector<std::string>& items, const std::string& separator) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

// evaluate.py asserts len(predictions) == len(labels); say which line has no partner.
void CheckSameCount(const fs::path& prediction_file, const LineValues& predictions,
                    const fs::path& label_file, const LineValues& labels, const char* what) {
  const std::size_t n = predictions.values.size();
  const std::size_t m = labels.values.size();
  if (n > m) {
    throw InputError(prediction_file.string(), predictions.line_numbers[m],
                     std::string("extra prediction: ") + label_file.string() + " has only " +
                         std::to_string(m) + " " + what + "s");
  }
  if (n < m) {
    throw InputError(label_file.string(), labels.line_numbers[n],
                     std::string("no prediction for this ") + what + ": " +
                         prediction_file.string() + " has only " + std::to_string(n) +
                         " predictions");
  }
}

void CheckSameShape(const fs::path& prediction_file, const TagFile& predictions,
                    const fs::path& label_file, const TagFile& labels) {
  const std::size_t n = predictions.sentences.size();
  const std::size_t m = labels.sentences.size();
  for (std::size_t i = 0; i < std::min(n, m); ++i) {
    const std::size_t p = predictions.sentences[i].size();
    const std::size_t g = labels.sentences[i].size();
    if (p != g) {
      throw InputError(prediction_file.string(), predictions.first_lines[i],
                       "sentence " + std::to_string(i + 1) + " has " + std::to_string(p) +
                           " tags but the gold sentence at " + label_file.string() + ":" +
                           std::to_string(labels.first_lines[i]) + " has " + std::to_string(g));
    }
  }
  if (n > m) {
    throw InputError(prediction_file.string(), predictions.first_lines[m],
                     "extra sentence: " + label_file.string() + " has only " + std::to_string(m) +
                         " sentences");
  }
  if (n < m) {
    throw InputError(label_file.string(), labels.first_lines[n],
                     "no predicted sentence for this gold sentence: " + prediction_file.string() +
                         " has only " + std::to_string(n) + " sentences");
  }
}

}  // namespace

std::vector<double> ScoreLanguage(const TaskInfo& task, const std::string& language,
                                  const fs::path& prediction_file, const fs::path& label_file,
                                  SeqevalVersion seqeval, std::vector<std::string>& notes) {
  switch (task.format) {
    case TaskFormat::kLabels:
    case TaskFormat::kIndices: {
      const bool indices = task.format == TaskFormat::kIndices;
      const LineValues predictions =
          indices ? ReadIndexFile(prediction_file) : ReadLabelFile(prediction_file);
      const LineValues labels = indices ? ReadIndexFile(label_file) : ReadLabelFile(label_file);
      if (labels.values.empty()) throw InputError(label_file.string(), 0, "no labels");
      CheckSameCount(prediction_file, predictions, label_file, labels,
                     indices ? "gold index" : "label");
      return {Accuracy(labels.values, predictions.values).accuracy};
    }
    case TaskFormat::kTags: {
      const TagFile predictions = ReadTagFile(prediction_file);
      const TagFile labels = ReadTagFile(label_file);
      CheckSameShape(prediction_file, predictions, label_file, labels);
      const PrfScore s = SeqevalPrf(labels.sentences, predictions.sentences, seqeval);
      return {s.f1, s.precision, s.recall};
    }
    case TaskFormat::kPairs: {
      const std::vector<BuccPair> predictions = ReadPairFile(prediction_file);
      const std::vector<BuccPair> labels = ReadPairFile(label_file);
      const PrfScore s = BuccF1(labels, predictions);
      return {s.f1, s.precision, s.recall};
    }
    case TaskFormat::kQa: {
      const std::vector<QaQuestion> gold = ReadQaGoldFile(label_file);
      if (gold.empty()) throw InputError(label_file.string(), 0, "no questions");
      const std::map<std::string, std::string> predictions = ReadQaPredictionFile(prediction_file);
      const AnswerNormalizer normalizer = task.metric == TaskMetric::kMlqa
                                              ? AnswerNormalizer::Mlqa(language)
                                              : AnswerNormalizer::Squad();
      const QaScore s = ScoreQa(gold, predictions, normalizer);
      if (s.unanswered > 0) {
        notes.push_back(prediction_file.string() + ": " + std::to_string(s.unanswered) + " of " +
                        std::to_string(s.total) +
                        " questions have no prediction and score 0 (first: " +
                        s.unanswered_ids.front() + ")");
      }
      return {s.exact_match, s.f1};
    }
  }
  return {};
}

std::optional<TaskScores> ScoreTask(const TaskInfo& task, const fs::path& predictions,
                                    const fs::path& labels, SeqevalVersion seqeval,
                                    ScoreDiagnostics& diagnostics) {
  const std::size_t errors_before = diagnostics.errors.size();
  const fs::path prediction_dir = predictions / task.name;
  const fs::path label_dir = labels / task.name;
  const std::string extension = "." + task.extension();

  std::error_code ec;
  bool folders_missing = false;
  for (const fs::path& dir : {prediction_dir, label_dir}) {
    if (!fs::is_directory(dir, ec)) {
      diagnostics.errors.push_back(dir.string() + ": missing folder (" + task.name +
                                   " needs test-<lang>" + extension + " for " +
                                   Join(task.languages, ", ") + ")");
      folders_missing = true;
    }
  }
  if (folders_missing) return std::nullopt;

  // Prediction files for languages the task does not have: evaluate.py ignores them, which hides
  // a misnamed file (test-iw.tsv for he); report them.
  std::vector<std::string> unknown;
  for (fs::directory_iterator it(prediction_dir, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (name.rfind("test-", 0) != 0) continue;
    const std::size_t dot = name.find('.');
    const std::string language = name.substr(5, dot == std::string::npos ? std::string::npos : dot - 5);
    if (std::find(task.languages.begin(), task.languages.end(), language) == task.languages.end()) {
      unknown.push_back(name);
    }
  }
  std::sort(unknown.begin(), unknown.end());
  for (const std::string& name : unknown) {
    const std::size_t dot = name.find('.');
    const std::string language = name.substr(5, dot == std::string::npos ? std::string::npos : dot - 5);
    diagnostics.errors.push_back((prediction_dir / name).string() + ": unknown language '" +
                                 language + "' for " + task.name + " (languages: " +
                                 Join(task.languages, ", ") + ")");
  }

  TaskScores scores;
  scores.task = &task;
  scores.metric_names = task.metric_names();
  scores.values.assign(scores.metric_names.size(), {});
  if (task.metric == TaskMetric::kSeqevalF1) scores.seqeval = seqeval;
  for (const std::string& language : task.languages) {
    const fs::path prediction_file = prediction_dir / ("test-" + language + extension);
    const fs::path label_file = label_dir / ("test-" + language + extension);
    bool missing = false;
    for (const fs::path& file : {prediction_file, label_file}) {
      if (!fs::exists(file, ec)) {
        diagnostics.errors.push_back(file.string() + ": missing (" + task.name + " needs " +
                                     language + ")");
        missing = true;
      }
    }
    if (missing) continue;
    try {
      const std::vector<double> values =
          ScoreLanguage(task, language, prediction_file, label_file, seqeval, diagnostics.notes);
      for (std::size_t m = 0; m < values.size(); ++m) scores.values[m].push_back(values[m]);
    } catch (const InputError& e) {
      diagnostics.errors.push_back(e.what());
    } catch (const std::exception& e) {
      // The readers validate what the metrics require; this keeps any gap an input error.
      diagnostics.errors.push_back(prediction_file.string() + ": " + e.what());
    }
  }
  if (diagnostics.errors.size() != errors_before) return std::nullopt;

  for (const std::vector<double>& per_language : scores.values) {
    double sum = 0;  // Python's sum(): left to right from 0.
    for (double v : per_language) sum += v;
    scores.averages.push_back(sum / static_cast<double>(per_language.size()));
  }
  const auto average_of = [&](const std::string& metric) {
    const auto it = std::find(scores.metric_names.begin(), scores.metric_names.end(), metric);
    return scores.averages[static_cast<std::size_t>(it - scores.metric_names.begin())];
  };
  if (task.format == TaskFormat::kQa) {
    scores.avg_metric = (average_of("exact_match") + average_of("f1")) / 2;
  } else if (task.metric == TaskMetric::kAccuracy) {
    scores.avg_metric = average_of("accuracy");
  } else {
    scores.avg_metric = average_of("f1");
  }
  return scores;
}

}  // namespace xstilts
