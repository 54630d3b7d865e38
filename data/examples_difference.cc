// ExamplesDifference (declared in data/examples_artifact.h): the first field in which two
// Examples differ, phrased so that a failing round-trip test says where to look.
#include <string>
#include <vector>

#include "data/examples_artifact.h"

namespace xstilts {
namespace {

std::string Quote(const std::string& s) {
  constexpr size_t kShown = 60;
  return "\"" + (s.size() <= kShown ? s : s.substr(0, kShown) + "...") + "\"";
}

std::string Show(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size() && i < 8; ++i) out += (i ? ", " : "") + Quote(values[i]);
  if (values.size() > 8) out += ", ... (" + std::to_string(values.size()) + " in all)";
  return out + "]";
}

std::string Show(const std::vector<Answer>& answers) {
  std::string out = "[";
  for (size_t i = 0; i < answers.size(); ++i) {
    out += (i ? ", " : "") + Quote(answers[i].text) + "@" + std::to_string(answers[i].start) + "/" +
           std::to_string(answers[i].byte_start);
  }
  return out + "]";
}

bool SameAnswers(const std::vector<Answer>& a, const std::vector<Answer>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].text != b[i].text || a[i].start != b[i].start || a[i].byte_start != b[i].byte_start) return false;
  }
  return true;
}

std::string ExampleDifference(const Example& a, const Example& b) {
  const std::pair<const char*, std::string Example::*> strings[] = {
      {"id", &Example::id},           {"language", &Example::language}, {"text_a", &Example::text_a},
      {"text_b", &Example::text_b},   {"label", &Example::label},       {"context", &Example::context},
      {"question", &Example::question}};
  for (const auto& [name, field] : strings) {
    if (a.*field != b.*field) return std::string(name) + ": " + Quote(a.*field) + " vs " + Quote(b.*field);
  }
  const std::pair<const char*, std::vector<std::string> Example::*> lists[] = {
      {"tokens", &Example::tokens}, {"tags", &Example::tags}, {"choices", &Example::choices}};
  for (const auto& [name, field] : lists) {
    if (a.*field != b.*field) return std::string(name) + ": " + Show(a.*field) + " vs " + Show(b.*field);
  }
  if (!SameAnswers(a.answers, b.answers)) return "answers: " + Show(a.answers) + " vs " + Show(b.answers);
  if (a.is_impossible != b.is_impossible) {
    return std::string("is_impossible: ") + (a.is_impossible ? "true" : "false") + " vs " +
           (b.is_impossible ? "true" : "false");
  }
  if (!SameAnswers(a.plausible_answers, b.plausible_answers)) {
    return "plausible_answers: " + Show(a.plausible_answers) + " vs " + Show(b.plausible_answers);
  }
  return "";
}

std::string ParallelDifference(const ParallelSentences& a, const ParallelSentences& b) {
  if (a.source_language != b.source_language) {
    return "parallel.source_language: " + Quote(a.source_language) + " vs " + Quote(b.source_language);
  }
  if (a.target_language != b.target_language) {
    return "parallel.target_language: " + Quote(a.target_language) + " vs " + Quote(b.target_language);
  }
  const std::pair<const char*, std::vector<std::string> ParallelSentences::*> lists[] = {
      {"source_ids", &ParallelSentences::source_ids},
      {"source_texts", &ParallelSentences::source_texts},
      {"target_ids", &ParallelSentences::target_ids},
      {"target_texts", &ParallelSentences::target_texts}};
  for (const auto& [name, field] : lists) {
    const std::vector<std::string>& x = a.*field;
    const std::vector<std::string>& y = b.*field;
    if (x.size() != y.size()) {
      return std::string("parallel.") + name + ": " + std::to_string(x.size()) + " vs " +
             std::to_string(y.size()) + " values";
    }
    for (size_t i = 0; i < x.size(); ++i) {
      if (x[i] != y[i]) {
        return std::string("parallel.") + name + "[" + std::to_string(i) + "]: " + Quote(x[i]) + " vs " + Quote(y[i]);
      }
    }
  }
  if (a.gold.size() != b.gold.size()) {
    return "parallel.gold: " + std::to_string(a.gold.size()) + " vs " + std::to_string(b.gold.size()) + " pairs";
  }
  for (size_t i = 0; i < a.gold.size(); ++i) {
    if (a.gold[i] != b.gold[i]) {
      return "parallel.gold[" + std::to_string(i) + "]: (" + std::to_string(a.gold[i].first) + ", " +
             std::to_string(a.gold[i].second) + ") vs (" + std::to_string(b.gold[i].first) + ", " +
             std::to_string(b.gold[i].second) + ")";
    }
  }
  return "";
}

}  // namespace

std::string ExamplesDifference(const Examples& a, const Examples& b) {
  if (a.format != b.format) return "format: " + Quote(a.format) + " vs " + Quote(b.format);
  if (a.task != b.task) return std::string("task: ") + TaskTypeName(a.task) + " vs " + TaskTypeName(b.task);
  if (a.labels != b.labels) return "labels: " + Show(a.labels) + " vs " + Show(b.labels);
  if (a.examples.size() != b.examples.size()) {
    return "examples: " + std::to_string(a.examples.size()) + " vs " + std::to_string(b.examples.size());
  }
  for (size_t i = 0; i < a.examples.size(); ++i) {
    std::string d = ExampleDifference(a.examples[i], b.examples[i]);
    if (!d.empty()) {
      return "examples[" + std::to_string(i) + "] (id " + a.examples[i].id + ", " + a.examples[i].language + "): " + d;
    }
  }
  return ParallelDifference(a.parallel, b.parallel);
}

}  // namespace xstilts
