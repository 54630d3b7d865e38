#include "data/readers/xnli_pawsx_reader.h"

#include <algorithm>

#include <fmt/format.h>

#include "data/readers/json_access.h"
#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::CheckFieldCount;
using readers_internal::CheckLabel;
using readers_internal::Header;
using readers_internal::NewExamples;
using readers_internal::Trim;

namespace {

const std::vector<std::string> kNliLabels = {"contradiction", "entailment", "neutral"};
const std::vector<std::string> kBinaryLabels = {"0", "1"};

Examples ReadXtremePairs(const std::filesystem::path& path, const ReadOptions& options,
                         const char* format, const std::vector<std::string>& labels) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const std::string language = ResolveLanguage(options, path);
  Examples out = NewExamples(format, TaskType::kPairClassification, labels);
  size_t columns = 0;
  long first_line = 0;
  for (Record& record : SplitRecords(text, '\t', options.quoting, problems)) {
    const size_t n = record.fields.size();
    if (columns == 0) {
      if (n != 2 && n != 3) {
        problems.Add(record.line, n == 0 ? std::string("expected 2 or 3 fields separated by a tab, got an empty line")
                                         : fmt::format("expected 2 or 3 fields separated by a tab, got {}", n));
        continue;
      }
      columns = n;
      first_line = record.line;
    } else if (n != columns) {
      problems.Add(record.line, fmt::format("expected {} fields separated by a tab as on line {}, got {}",
                                            columns, first_line, n == 0 ? "an empty line" : std::to_string(n)));
      continue;
    }
    Example e;
    e.id = std::to_string(out.examples.size());
    e.language = language;
    e.text_a = std::move(record.fields[0]);
    e.text_b = std::move(record.fields[1]);
    if (n == 3) {
      e.label = std::string(Trim(record.fields[2]));
      CheckLabel(problems, record.line, e.label, labels);
    }
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  return out;
}

bool KeepLanguage(const ReadOptions& options, const std::string& language) {
  return options.languages.empty() ||
         std::find(options.languages.begin(), options.languages.end(), language) != options.languages.end();
}

std::string NliLabel(std::string label) {
  return label == "contradictory" ? std::string("contradiction") : label;
}

}  // namespace

Examples ReadXnli(const std::filesystem::path& path, const ReadOptions& options) {
  return ReadXtremePairs(path, options, "xnli", kNliLabels);
}

Examples ReadPawsx(const std::filesystem::path& path, const ReadOptions& options) {
  return ReadXtremePairs(path, options, "pawsx", kBinaryLabels);
}

Examples ReadXnliTranslateTrain(const std::filesystem::path& path, const ReadOptions& options) {
  constexpr size_t kFields = 5;  // English premise, English hypothesis, premise, hypothesis, label
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const std::string language = ResolveLanguage(options, path);
  Examples out = NewExamples("xnli_translate_train", TaskType::kPairClassification, kNliLabels);
  for (Record& record : SplitRecords(text, '\t', Quoting::kNone, problems)) {
    if (!CheckFieldCount(problems, record, kFields)) continue;
    Example e;
    e.id = std::to_string(out.examples.size());
    e.language = language;
    e.text_a = std::move(record.fields[2]);
    e.text_b = std::move(record.fields[3]);
    e.label = NliLabel(std::string(Trim(record.fields[4])));
    CheckLabel(problems, record.line, e.label, kNliLabels);
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  return out;
}

Examples ReadXnliRawTsv(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  std::vector<Record> records = SplitRecords(text, '\t', Quoting::kNone, problems);
  Examples out = NewExamples("xnli_raw", TaskType::kPairClassification, kNliLabels);
  if (records.empty()) {
    problems.Add(0, "expected a header row, got an empty file");
    problems.ThrowIfAny();
  }
  Header header(records[0]);
  const int language = header.Require("language", problems);
  const int label = header.Require("gold_label", problems);
  const int sentence1 = header.Require("sentence1", problems);
  const int sentence2 = header.Require("sentence2", problems);
  const int pair_id = header.Require("pairID", problems);
  if (!header.complete()) problems.ThrowIfAny();
  for (size_t i = 1; i < records.size(); ++i) {
    Record& r = records[i];
    if (!CheckFieldCount(problems, r, header.size())) continue;
    if (!KeepLanguage(options, r.fields[language])) continue;
    Example e;
    e.id = r.fields[pair_id];
    e.language = r.fields[language];
    e.text_a = std::move(r.fields[sentence1]);
    e.text_b = std::move(r.fields[sentence2]);
    e.label = NliLabel(r.fields[label]);
    CheckLabel(problems, r.line, e.label, kNliLabels);
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  return out;
}

Examples ReadXnliJsonl(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  Examples out = NewExamples("xnli_jsonl", TaskType::kPairClassification, kNliLabels);
  readers_internal::ForEachJsonLine(text, path, problems, [&](const nlohmann::json& row, const JsonAccess& json, long line) {
    Example e;
    e.language = json.String(row, "language", "$");
    if (!KeepLanguage(options, e.language)) return;
    e.id = json.Id(row, "pairID", "$");
    e.text_a = json.String(row, "sentence1", "$");
    e.text_b = json.String(row, "sentence2", "$");
    e.label = NliLabel(json.String(row, "gold_label", "$"));
    CheckLabel(problems, line, e.label, kNliLabels);
    out.examples.push_back(std::move(e));
  });
  problems.ThrowIfAny();
  return out;
}

Examples ReadPawsxRaw(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const std::string language = ResolveLanguage(options, path);
  std::vector<Record> records = SplitRecords(text, '\t', Quoting::kNone, problems);
  Examples out = NewExamples("pawsx_raw", TaskType::kPairClassification, kBinaryLabels);
  if (records.empty()) {
    problems.Add(0, "expected a header row, got an empty file");
    problems.ThrowIfAny();
  }
  Header header(records[0]);
  const int id = header.Require("id", problems);
  const int sentence1 = header.Require("sentence1", problems);
  const int sentence2 = header.Require("sentence2", problems);
  const int label = header.Find("label");  // absent would mean an unlabelled file
  if (!header.complete()) problems.ThrowIfAny();
  for (size_t i = 1; i < records.size(); ++i) {
    Record& r = records[i];
    if (!CheckFieldCount(problems, r, header.size())) continue;
    Example e;
    e.id = r.fields[id];
    e.language = language;
    e.text_a = std::move(r.fields[sentence1]);
    e.text_b = std::move(r.fields[sentence2]);
    if (label >= 0) {
      e.label = std::string(Trim(r.fields[label]));
      CheckLabel(problems, r.line, e.label, kBinaryLabels);
    }
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  return out;
}

}  // namespace xstilts
