#include "data/readers/multiple_choice_reader.h"

#include <fmt/format.h>

#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::NewExamples;

namespace {

std::string EnglishUnlessSet(const ReadOptions& options) {
  return options.language.empty() ? "en" : options.language;
}

// Fixes the number of choices from the first example and checks the others against it.
class ChoiceCount {
 public:
  bool Check(ProblemList& problems, long line, size_t n) {
    if (n == 0) {
      problems.Add(line, "expected at least one choice, got none");
      return false;
    }
    if (count_ == 0) {
      count_ = n;
      first_line_ = line;
      return true;
    }
    if (n == count_) return true;
    problems.Add(line, fmt::format("expected {} choices as on line {}, got {}", count_, first_line_, n));
    return false;
  }
  std::vector<std::string> Labels() const {
    std::vector<std::string> labels;
    for (size_t i = 0; i < count_; ++i) labels.push_back(std::to_string(i));
    return labels;
  }

 private:
  size_t count_ = 0;
  long first_line_ = 0;
};

bool CheckChoiceIndex(ProblemList& problems, long line, const std::string& label, size_t choices) {
  const bool digits = !label.empty() && label.size() < 6 &&
                      label.find_first_not_of("0123456789") == std::string::npos;
  if (digits && std::stoul(label) < choices) return true;
  problems.Add(line, fmt::format("expected a label from 0 to {}, got {}", choices - 1, Quoted(label)));
  return false;
}

}  // namespace

Examples ReadHellaswag(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  Examples out = NewExamples("hellaswag", TaskType::kMultipleChoice);
  ChoiceCount count;
  const std::string language = EnglishUnlessSet(options);
  readers_internal::ForEachJsonLine(text, path, problems, [&](const nlohmann::json& row, const JsonAccess& json, long line) {
    Example e;
    e.id = json.Id(row, "ind", "$");
    e.language = language;
    e.context = json.String(row, "ctx_a", "$");
    e.question = json.String(row, "ctx_b", "$");
    const nlohmann::json& endings = json.Array(row, "endings", "$");
    for (size_t i = 0; i < endings.size(); ++i) {
      if (!endings[i].is_string()) json.Fail(JsonPath("$.endings", i), "expected a string, got " + DescribeJsonType(endings[i]));
      e.choices.push_back(endings[i].get<std::string>());
    }
    if (!count.Check(problems, line, e.choices.size())) return;
    if (json.OptionalMember(row, "label", "$") != nullptr) {
      e.label = json.Id(row, "label", "$");
      if (!CheckChoiceIndex(problems, line, e.label, e.choices.size())) return;
    }
    out.examples.push_back(std::move(e));
  });
  problems.ThrowIfAny();
  out.labels = count.Labels();
  return out;
}

Examples ReadCosmosQa(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  std::vector<Record> records = SplitRecords(text, ',', Quoting::kCsv, problems);
  Examples out = NewExamples("cosmosqa", TaskType::kMultipleChoice);
  if (records.empty()) {
    problems.Add(0, "expected a header row, got an empty file");
    problems.ThrowIfAny();
  }
  readers_internal::Header header(records[0]);
  const int id = header.Require("id", problems);
  const int context = header.Require("context", problems);
  const int question = header.Require("question", problems);
  std::vector<int> answers;
  for (int i = 0;; ++i) {
    const int column = header.Find(fmt::format("answer{}", i));
    if (column < 0) break;
    answers.push_back(column);
  }
  if (answers.empty()) header.Require("answer0", problems);
  const int label = header.Find("label");
  if (!header.complete()) problems.ThrowIfAny();
  const std::string language = EnglishUnlessSet(options);
  for (size_t i = 1; i < records.size(); ++i) {
    Record& r = records[i];
    if (!readers_internal::CheckFieldCount(problems, r, header.size(), "a comma")) continue;
    Example e;
    e.id = std::move(r.fields[id]);
    e.language = language;
    e.context = std::move(r.fields[context]);
    e.question = std::move(r.fields[question]);
    for (int a : answers) e.choices.push_back(std::move(r.fields[a]));
    if (label >= 0) {
      e.label = std::move(r.fields[label]);
      if (!CheckChoiceIndex(problems, r.line, e.label, e.choices.size())) continue;
    }
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  for (size_t i = 0; i < answers.size(); ++i) out.labels.push_back(std::to_string(i));
  return out;
}

Examples ReadCommonsenseQa(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  Examples out = NewExamples("commonsenseqa", TaskType::kMultipleChoice);
  ChoiceCount count;
  const std::string language = EnglishUnlessSet(options);
  readers_internal::ForEachJsonLine(text, path, problems, [&](const nlohmann::json& row, const JsonAccess& json, long line) {
    Example e;
    e.id = json.Id(row, "id", "$");
    e.language = language;
    const nlohmann::json& question = json.Member(row, "question", "$");
    e.question = json.String(question, "stem", "$.question");
    const nlohmann::json& choices = json.Array(question, "choices", "$.question");
    std::vector<std::string> choice_labels;
    for (size_t i = 0; i < choices.size(); ++i) {
      const std::string at = JsonPath("$.question.choices", i);
      choice_labels.push_back(json.String(choices[i], "label", at));
      e.choices.push_back(json.String(choices[i], "text", at));
    }
    if (!count.Check(problems, line, e.choices.size())) return;
    if (json.OptionalMember(row, "answerKey", "$") != nullptr) {
      const std::string key = json.String(row, "answerKey", "$");
      for (size_t i = 0; i < choice_labels.size(); ++i) {
        if (choice_labels[i] == key) e.label = std::to_string(i);
      }
      if (e.label.empty()) {
        problems.Add(line, fmt::format("expected an answerKey out of {}, got {}",
                                       readers_internal::JoinList(choice_labels), Quoted(key)));
        return;
      }
    }
    out.examples.push_back(std::move(e));
  });
  problems.ThrowIfAny();
  out.labels = count.Labels();
  return out;
}

}  // namespace xstilts
