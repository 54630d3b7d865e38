#include "data/readers/reader_common.h"

#include <algorithm>

#include <fmt/format.h>

namespace xstilts::readers_internal {

const std::vector<std::string> kUposTags = {"ADJ",  "ADP",  "ADV",   "AUX",   "CCONJ", "DET",
                                            "INTJ", "NOUN", "NUM",   "PART",  "PRON",  "PROPN",
                                            "PUNCT", "SCONJ", "SYM", "VERB",  "X"};

std::string JoinList(const std::vector<std::string>& items, std::string_view separator) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += separator;
    out += items[i];
  }
  return out;
}

namespace {

void ReportUnknownLabel(ProblemList& problems, long line, const std::string& label,
                        const std::vector<std::string>& labels) {
  if (labels.size() > 20) {
    problems.Add(line, fmt::format("expected one of the {} known labels, got {}", labels.size(), Quoted(label)));
  } else {
    problems.Add(line, fmt::format("expected a label out of {}, got {}", JoinList(labels), Quoted(label)));
  }
}

}  // namespace

bool CheckLabel(ProblemList& problems, long line, const std::string& label,
                const std::vector<std::string>& labels) {
  if (std::find(labels.begin(), labels.end(), label) != labels.end()) return true;
  ReportUnknownLabel(problems, line, label, labels);
  return false;
}

LabelSet::LabelSet(const std::vector<std::string>& labels)
    : labels_(labels), set_(labels.begin(), labels.end()) {}

bool LabelSet::Check(ProblemList& problems, long line, const std::string& label) const {
  if (set_.count(label) > 0) return true;
  ReportUnknownLabel(problems, line, label, labels_);
  return false;
}

std::vector<std::string> SortedUnique(std::vector<std::string> values) {
  std::sort(values.begin(), values.end());
  values.erase(std::unique(values.begin(), values.end()), values.end());
  return values;
}

std::string_view Trim(std::string_view text) {
  const size_t begin = text.find_first_not_of(" \t\r\n");
  if (begin == std::string_view::npos) return {};
  const size_t end = text.find_last_not_of(" \t\r\n");
  return text.substr(begin, end - begin + 1);
}

int Header::Find(std::string_view name) const {
  auto it = std::find(names_.begin(), names_.end(), name);
  return it == names_.end() ? -1 : static_cast<int>(it - names_.begin());
}

int Header::Require(std::string_view name, ProblemList& problems) {
  const int index = Find(name);
  if (index < 0) {
    complete_ = false;
    problems.Add(line_, fmt::format("expected a '{}' column in the header, got {}", name,
                                    names_.empty() ? std::string("an empty line") : JoinList(names_)));
  }
  return index;
}

bool CheckFieldCount(ProblemList& problems, const Record& record, size_t expected,
                     std::string_view separator_name) {
  if (record.fields.size() == expected) return true;
  if (record.fields.empty()) {
    problems.Add(record.line, fmt::format("expected {} fields separated by {}, got an empty line",
                                          expected, separator_name));
  } else {
    problems.Add(record.line, fmt::format("expected {} fields separated by {}, got {}", expected,
                                          separator_name, record.fields.size()));
  }
  return false;
}

Examples NewExamples(std::string format, TaskType task, std::vector<std::string> labels) {
  Examples examples;
  examples.format = std::move(format);
  examples.task = task;
  examples.labels = std::move(labels);
  return examples;
}

}  // namespace xstilts::readers_internal
