#include "data/examples_artifact.h"

#include <cstring>
#include <stdexcept>

#include "data/examples_layout.h"
#include "data/h5_file.h"

namespace xstilts {
namespace {

using Strings = std::vector<std::string>;

using examples_internal::Layout;
using examples_internal::LayoutOf;

// ---------------------------------------------------------------------------------------------
// Writing

[[noreturn]] void Refuse(size_t i, const Example& e, const std::string& what) {
  throw std::invalid_argument("examples[" + std::to_string(i) + "] (id '" + e.id + "', language '" + e.language +
                              "'): " + what);
}

// HDF5 variable-length strings are C strings: a NUL byte would silently cut the text.
void CheckNoNul(const std::string& s, const std::string& where) {
  if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
    throw std::invalid_argument(where + " contains a NUL byte, which an HDF5 string cannot hold");
  }
}

void CheckNoNul(const Strings& values, const std::string& where) {
  for (size_t i = 0; i < values.size(); ++i) CheckNoNul(values[i], where + "[" + std::to_string(i) + "]");
}

void CheckStored(const Examples& examples, const Layout& l) {
  const char* task = TaskTypeName(examples.task);
  for (size_t i = 0; i < examples.examples.size(); ++i) {
    const Example& e = examples.examples[i];
    const auto unstored = [&](bool stored, bool empty, const char* field) {
      if (!stored && !empty) Refuse(i, e, std::string("has ") + field + ", which a " + task + " artifact does not store");
    };
    unstored(l.text_a, e.text_a.empty(), "text_a");
    unstored(l.text_b, e.text_b.empty(), "text_b");
    unstored(l.label, e.label.empty(), "label");
    unstored(l.tokens, e.tokens.empty() && e.tags.empty(), "tokens or tags");
    unstored(l.context, e.context.empty() && e.question.empty(), "context or question");
    unstored(l.answers, e.answers.empty() && e.plausible_answers.empty() && !e.is_impossible, "answers");
    unstored(l.choices, e.choices.empty(), "choices");
    if (l.tokens && !e.tags.empty() && e.tags.size() != e.tokens.size()) {
      Refuse(i, e, std::to_string(e.tags.size()) + " tags for " + std::to_string(e.tokens.size()) + " tokens");
    }
  }
  if (examples.task == TaskType::kParallelSentences && !examples.examples.empty()) {
    Refuse(0, examples.examples[0], "a parallel_sentences artifact holds no example rows, only the parallel group");
  }
  if (examples.task != TaskType::kParallelSentences) {
    const ParallelSentences& p = examples.parallel;
    if (!p.source_language.empty() || !p.target_language.empty() || !p.source_ids.empty() ||
        !p.target_ids.empty() || !p.source_texts.empty() || !p.target_texts.empty() || !p.gold.empty()) {
      throw std::invalid_argument(std::string("parallel sentences in a ") + task + " artifact are not stored");
    }
  }
}

Strings Column(const Examples& examples, const std::string& name, std::string Example::*field) {
  Strings out;
  out.reserve(examples.examples.size());
  for (const Example& e : examples.examples) out.push_back(e.*field);
  CheckNoNul(out, name);
  return out;
}

// One flat array and n + 1 offsets for a vector<string> field.
void WriteRagged(H5File& file, const Examples& examples, const std::string& name,
                 std::vector<std::string> Example::*field) {
  Strings flat;
  std::vector<int64_t> offsets = {0};
  for (const Example& e : examples.examples) {
    flat.insert(flat.end(), (e.*field).begin(), (e.*field).end());
    offsets.push_back(static_cast<int64_t>(flat.size()));
  }
  CheckNoNul(flat, name);
  file.WriteStrings(name, flat);
  file.WriteVector(name + "_offsets", offsets);
}

void WriteAnswers(H5File& file, const Examples& examples, const std::string& prefix,
                  std::vector<Answer> Example::*field) {
  Strings text;
  std::vector<int64_t> start, byte_start, offsets = {0};
  for (const Example& e : examples.examples) {
    for (const Answer& a : e.*field) {
      text.push_back(a.text);
      start.push_back(a.start);
      byte_start.push_back(a.byte_start);
    }
    offsets.push_back(static_cast<int64_t>(text.size()));
  }
  CheckNoNul(text, prefix + "_text");
  file.WriteStrings(prefix + "_text", text);
  file.WriteVector(prefix + "_start", start);
  file.WriteVector(prefix + "_byte_start", byte_start);
  file.WriteVector(prefix + "_offsets", offsets);
}

void WriteParallel(H5File& file, const ParallelSentences& p) {
  file.CreateGroup("parallel");
  file.SetAttribute("parallel", "source_language", p.source_language);
  file.SetAttribute("parallel", "target_language", p.target_language);
  const std::pair<const char*, const Strings*> columns[] = {{"parallel/source_ids", &p.source_ids},
                                                            {"parallel/source_texts", &p.source_texts},
                                                            {"parallel/target_ids", &p.target_ids},
                                                            {"parallel/target_texts", &p.target_texts}};
  for (const auto& [name, values] : columns) {
    CheckNoNul(*values, name);
    file.WriteStrings(name, *values);
  }
  std::vector<int64_t> gold;
  gold.reserve(p.gold.size() * 2);
  for (const auto& [s, t] : p.gold) {
    gold.push_back(s);
    gold.push_back(t);
  }
  file.Write("parallel/gold", H5Type::kInt64, {p.gold.size(), 2}, gold.data());
}

}  // namespace

void WriteExamples(const Examples& examples, const std::filesystem::path& path) {
  const Layout l = LayoutOf(examples.task);
  CheckStored(examples, l);
  CheckNoNul(examples.format, "format");
  CheckNoNul(examples.labels, "labels");
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string(kExamplesArtifactKind));
  file.SetAttribute("/", "format", examples.format);
  file.SetAttribute("/", "task", std::string(TaskTypeName(examples.task)));
  file.SetAttribute("/", "version", static_cast<int64_t>(kExamplesArtifactVersion));
  file.WriteStrings("id", Column(examples, "id", &Example::id));
  file.WriteStrings("language", Column(examples, "language", &Example::language));
  file.WriteStrings("labels", examples.labels);
  if (l.text_a) file.WriteStrings("text_a", Column(examples, "text_a", &Example::text_a));
  if (l.text_b) file.WriteStrings("text_b", Column(examples, "text_b", &Example::text_b));
  if (l.label) file.WriteStrings("label", Column(examples, "label", &Example::label));
  if (l.tokens) {
    WriteRagged(file, examples, "tokens", &Example::tokens);
    WriteRagged(file, examples, "tags", &Example::tags);
  }
  if (l.context) {
    file.WriteStrings("context", Column(examples, "context", &Example::context));
    file.WriteStrings("question", Column(examples, "question", &Example::question));
  }
  if (l.answers) {
    std::vector<uint8_t> impossible;
    for (const Example& e : examples.examples) impossible.push_back(e.is_impossible ? 1 : 0);
    file.WriteVector("is_impossible", impossible);
    WriteAnswers(file, examples, "answer", &Example::answers);
    WriteAnswers(file, examples, "plausible", &Example::plausible_answers);
  }
  if (l.choices) WriteRagged(file, examples, "choices", &Example::choices);
  if (examples.task == TaskType::kParallelSentences) WriteParallel(file, examples.parallel);
  file.Close();
}

}  // namespace xstilts
