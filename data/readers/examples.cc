#include "data/readers/examples.h"

#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "base/input_error.h"

namespace xstilts {

const char* TaskTypeName(TaskType task) {
  switch (task) {
    case TaskType::kPairClassification: return "pair_classification";
    case TaskType::kSentenceClassification: return "sentence_classification";
    case TaskType::kTagging: return "tagging";
    case TaskType::kSpanQa: return "span_qa";
    case TaskType::kMultipleChoice: return "multiple_choice";
    case TaskType::kParallelSentences: return "parallel_sentences";
  }
  return "unknown";
}

int64_t Examples::LabelIndex(std::string_view label) const {
  auto it = std::find(labels.begin(), labels.end(), label);
  return it == labels.end() ? -1 : static_cast<int64_t>(it - labels.begin());
}

std::vector<std::string> Examples::Languages() const {
  if (task == TaskType::kParallelSentences) {
    return {parallel.source_language, parallel.target_language};
  }
  std::vector<std::string> languages;
  for (const Example& e : examples) {
    if (languages.empty() || languages.back() != e.language) languages.push_back(e.language);
  }
  std::sort(languages.begin(), languages.end());
  languages.erase(std::unique(languages.begin(), languages.end()), languages.end());
  return languages;
}

int64_t Examples::CountLabelled() const {
  int64_t n = 0;
  for (const Example& e : examples) {
    switch (task) {
      case TaskType::kTagging: n += !e.tags.empty(); break;
      case TaskType::kSpanQa: n += !e.answers.empty() || e.is_impossible; break;
      case TaskType::kParallelSentences: break;
      default: n += !e.label.empty(); break;
    }
  }
  return n;
}

void AppendExamples(Examples& merged, Examples part, const std::string& merged_name, const std::string& part_name) {
  if (part.task != merged.task) {
    throw InputError(fmt::format("{} holds {} examples and {} holds {}, which one artifact cannot hold", merged_name,
                                 TaskTypeName(merged.task), part_name, TaskTypeName(part.task)));
  }
  if (part.task == TaskType::kParallelSentences) {
    throw InputError(fmt::format("{} and {} hold parallel sentences, which are not joined", merged_name, part_name));
  }
  if (part.labels != merged.labels) {
    if (!std::is_sorted(part.labels.begin(), part.labels.end()) ||
        !std::is_sorted(merged.labels.begin(), merged.labels.end())) {
      throw InputError(fmt::format("{} and {} have different label sets, which one artifact cannot hold",
                                   merged_name, part_name));
    }
    std::vector<std::string> joined;
    std::set_union(merged.labels.begin(), merged.labels.end(), part.labels.begin(), part.labels.end(),
                   std::back_inserter(joined));
    merged.labels = std::move(joined);
  }
  merged.examples.insert(merged.examples.end(), std::make_move_iterator(part.examples.begin()),
                         std::make_move_iterator(part.examples.end()));
  merged.notes.insert(merged.notes.end(), part.notes.begin(), part.notes.end());
}

}  // namespace xstilts
