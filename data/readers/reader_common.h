// Code shared by the dataset readers in this folder (not part of the public API): label
// checks, header lookup and the wording of common messages.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "data/readers/examples.h"
#include "data/readers/json_access.h"
#include "data/readers/text_file.h"

namespace xstilts::readers_internal {

// The 17 Universal Dependencies part-of-speech tags, in XTREME's order.
extern const std::vector<std::string> kUposTags;

// "contradiction, entailment, neutral"
std::string JoinList(const std::vector<std::string>& items, std::string_view separator = ", ");

// Adds `expected a label out of a, b, c, got "x"` when `label` is not in `labels` (for more
// than 20 labels: `expected one of the N known labels, got "x"`).
bool CheckLabel(ProblemList& problems, long line, const std::string& label,
                const std::vector<std::string>& labels);

// The same check with a hash lookup, for large label sets (CCG has over a thousand supertags).
class LabelSet {
 public:
  explicit LabelSet(const std::vector<std::string>& labels);
  bool Check(ProblemList& problems, long line, const std::string& label) const;

 private:
  const std::vector<std::string>& labels_;
  std::unordered_set<std::string> set_;
};

// Sorted distinct values.
std::vector<std::string> SortedUnique(std::vector<std::string> values);

// Text without leading and trailing spaces, tabs and line ends.
std::string_view Trim(std::string_view text);

// A header row, with name lookup. Find returns -1 when the column is missing; Require reports
// `expected a 'name' column in the header, got a, b, c` and returns -1.
class Header {
 public:
  explicit Header(const Record& record) : line_(record.line), names_(record.fields) {}
  int Find(std::string_view name) const;
  int Require(std::string_view name, ProblemList& problems);
  size_t size() const { return names_.size(); }
  // False when a Require call found its column missing.
  bool complete() const { return complete_; }

 private:
  long line_;
  std::vector<std::string> names_;
  bool complete_ = true;
};

// Adds `expected N fields separated by a tab, got M` (or `..., got an empty line`) and returns
// false when the record does not have `expected` fields.
bool CheckFieldCount(ProblemList& problems, const Record& record, size_t expected,
                     std::string_view separator_name = "a tab");

// Calls fn(row, json, line_number) for every non-blank line of a JSON-lines text. A line that
// is not JSON, or for which fn throws InputError, becomes a problem and reading goes on.
template <typename Fn>
void ForEachJsonLine(std::string_view text, const std::filesystem::path& path,
                     ProblemList& problems, Fn fn) {
  for (const TextLine& line : SplitLines(text)) {
    if (Trim(line.text).empty()) continue;
    try {
      const nlohmann::json row = ParseJson(line.text, path.string(), line.number);
      const JsonAccess json(fmt::format("{}:{}", path.string(), line.number));
      fn(row, json, line.number);
    } catch (const InputError& e) {
      problems.AddFormatted(line.number, e.what());
    }
  }
}

Examples NewExamples(std::string format, TaskType task, std::vector<std::string> labels = {});

}  // namespace xstilts::readers_internal
