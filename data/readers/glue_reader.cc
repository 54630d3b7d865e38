#include "data/readers/glue_reader.h"

#include <fmt/format.h>

#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::CheckFieldCount;
using readers_internal::CheckLabel;
using readers_internal::Header;
using readers_internal::NewExamples;

namespace {

const std::vector<std::string> kNliLabels = {"contradiction", "entailment", "neutral"};
const std::vector<std::string> kBinaryLabels = {"0", "1"};

// Column names of one GLUE task. id, b and label may be missing from a file ("" = the task has
// no such column); a and the ones marked required must be there.
struct GlueColumns {
  const char* id;
  const char* text_a;
  const char* text_b;
  const char* label;
};

Examples ReadGlueTsv(const std::filesystem::path& path, const ReadOptions& options,
                     const char* format, TaskType task, const GlueColumns& names,
                     const std::vector<std::string>& labels) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  std::vector<Record> records = SplitRecords(text, '\t', Quoting::kNone, problems);
  Examples out = NewExamples(format, task, labels);
  if (records.empty()) {
    problems.Add(0, "expected a header row, got an empty file");
    problems.ThrowIfAny();
  }
  Header header(records[0]);
  const int id = header.Find(names.id);
  const int text_a = header.Require(names.text_a, problems);
  const int text_b = *names.text_b ? header.Require(names.text_b, problems) : -1;
  const int label = header.Find(names.label);  // test files have none
  if (!header.complete()) problems.ThrowIfAny();
  const std::string language = options.language.empty() ? "en" : options.language;
  for (size_t i = 1; i < records.size(); ++i) {
    Record& r = records[i];
    if (!CheckFieldCount(problems, r, header.size())) continue;
    Example e;
    e.id = id >= 0 ? r.fields[id] : std::to_string(out.examples.size());
    e.language = language;
    e.text_a = std::move(r.fields[text_a]);
    if (text_b >= 0) e.text_b = std::move(r.fields[text_b]);
    if (label >= 0) {
      e.label = std::move(r.fields[label]);
      CheckLabel(problems, r.line, e.label, labels);
    }
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  return out;
}

}  // namespace

Examples ReadMnli(const std::filesystem::path& path, const ReadOptions& options) {
  return ReadGlueTsv(path, options, "mnli", TaskType::kPairClassification,
                     {"pairID", "sentence1", "sentence2", "gold_label"}, kNliLabels);
}

Examples ReadQqp(const std::filesystem::path& path, const ReadOptions& options) {
  return ReadGlueTsv(path, options, "qqp", TaskType::kPairClassification,
                     {"id", "question1", "question2", "is_duplicate"}, kBinaryLabels);
}

Examples ReadSst2(const std::filesystem::path& path, const ReadOptions& options) {
  return ReadGlueTsv(path, options, "sst2", TaskType::kSentenceClassification,
                     {"index", "sentence", "", "label"}, kBinaryLabels);
}

Examples ReadAnli(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  Examples out = NewExamples("anli", TaskType::kPairClassification, kNliLabels);
  const std::string language = options.language.empty() ? "en" : options.language;
  readers_internal::ForEachJsonLine(text, path, problems, [&](const nlohmann::json& row, const JsonAccess& json, long line) {
    Example e;
    e.id = json.Id(row, "uid", "$");
    e.language = language;
    e.text_a = json.String(row, "context", "$");
    e.text_b = json.String(row, "hypothesis", "$");
    const std::string label = json.String(row, "label", "$");
    if (label == "e") e.label = "entailment";
    else if (label == "n") e.label = "neutral";
    else if (label == "c") e.label = "contradiction";
    else problems.Add(line, fmt::format("expected a label out of e, n, c, got {}", Quoted(label)));
    out.examples.push_back(std::move(e));
  });
  problems.ThrowIfAny();
  return out;
}

}  // namespace xstilts
