#include "data/readers/examples.h"

#include <algorithm>

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

}  // namespace xstilts
