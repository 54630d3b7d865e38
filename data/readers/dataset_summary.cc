#include "data/readers/dataset_summary.h"

#include <unordered_map>

#include <fmt/format.h>

#include "base/utf8.h"

namespace xstilts {

std::map<std::string, LanguageTextStats> TextStatsByLanguage(const Examples& examples) {
  std::map<std::string, LanguageTextStats> stats;
  const auto add_text = [](LanguageTextStats& s, const std::string& text) {
    s.bytes += static_cast<int64_t>(text.size());
    s.code_points += CountCodePoints(text);
  };
  if (examples.task == TaskType::kParallelSentences) {
    const ParallelSentences& p = examples.parallel;
    for (const auto& [language, texts] : {std::pair{p.source_language, &p.source_texts},
                                           std::pair{p.target_language, &p.target_texts}}) {
      LanguageTextStats& s = stats[language];
      for (const std::string& text : *texts) {
        ++s.examples;
        add_text(s, text);
      }
    }
    return stats;
  }
  const std::string* previous_context = nullptr;
  for (const Example& e : examples.examples) {
    LanguageTextStats& s = stats[e.language];
    ++s.examples;
    add_text(s, e.text_a);
    add_text(s, e.text_b);
    add_text(s, e.question);
    // QA repeats a paragraph's context for each of its questions; count it once.
    if (previous_context == nullptr || *previous_context != e.context) add_text(s, e.context);
    previous_context = &e.context;
    for (const std::string& t : e.tokens) add_text(s, t);
    for (const std::string& t : e.choices) add_text(s, t);
    for (const Answer& a : e.answers) add_text(s, a.text);
  }
  return stats;
}

std::string SummarizeExamples(const Examples& examples) {
  std::string out = fmt::format("format {}  task {}\n", examples.format, TaskTypeName(examples.task));
  if (examples.task == TaskType::kParallelSentences) {
    out += fmt::format("source sentences {}  target sentences {}  gold pairs {}\n",
                       examples.parallel.source_texts.size(), examples.parallel.target_texts.size(),
                       examples.parallel.gold.size());
  } else {
    out += fmt::format("examples {}  labelled {}  labels {}\n", examples.examples.size(), examples.CountLabelled(),
                       examples.labels.size());
  }
  const std::map<std::string, LanguageTextStats> stats = TextStatsByLanguage(examples);
  if (examples.task != TaskType::kParallelSentences && stats.size() > 1) {
    // Ids shared across languages mark aligned examples (gettext, raw XNLI): count the complete ones.
    std::unordered_map<std::string, size_t> languages_per_id;
    for (const Example& e : examples.examples) ++languages_per_id[e.id];
    size_t complete = 0;
    for (const auto& [id, n] : languages_per_id) complete += n == stats.size();
    out += fmt::format("ids present in all {} languages {}\n", stats.size(), complete);
  }
  for (const auto& [language, s] : stats) {
    out += fmt::format("  {:<6} examples {:>8}  bytes {:>10}  code points {:>10}\n", language, s.examples, s.bytes,
                       s.code_points);
  }
  return out;
}

}  // namespace xstilts
