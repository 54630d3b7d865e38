#include "data/examples_artifact.h"

#include <cstring>
#include <stdexcept>

#include "data/h5_file.h"
#include "graph/input_error.h"

namespace xstilts {
namespace {

using Strings = std::vector<std::string>;

constexpr TaskType kTasks[] = {TaskType::kPairClassification, TaskType::kSentenceClassification,
                               TaskType::kTagging,           TaskType::kSpanQa,
                               TaskType::kMultipleChoice,    TaskType::kParallelSentences};

// Which Example fields the artifact of a task stores (examples.h lists what each task fills).
struct Layout {
  bool text_a = false, text_b = false, label = false, tokens = false;
  bool context = false, answers = false, choices = false;
};

Layout LayoutOf(TaskType task) {
  Layout l;
  switch (task) {
    case TaskType::kPairClassification: l.text_a = l.text_b = l.label = true; break;
    case TaskType::kSentenceClassification: l.text_a = l.label = true; break;
    case TaskType::kTagging: l.tokens = true; break;
    case TaskType::kSpanQa: l.context = l.answers = true; break;
    case TaskType::kMultipleChoice: l.context = l.choices = l.label = true; break;
    case TaskType::kParallelSentences: break;
  }
  return l;
}

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

// ---------------------------------------------------------------------------------------------
// Reading

class ArtifactReader {
 public:
  explicit ArtifactReader(const std::filesystem::path& path) : path_(path), file_(path, H5File::Mode::kReadOnly) {}

  [[noreturn]] void Fail(const std::string& what) const { throw InputError(path_.string(), 0, what); }

  void Require(const std::string& name) const {
    if (!file_.Exists(name)) Fail("examples artifact (task " + task_ + ") has no dataset '" + name + "'");
  }
  std::string StringAttribute(const std::string& object, const std::string& key) const {
    if (!file_.HasAttribute(object, key)) Fail("expected an attribute '" + key + "' on '" + object + "', found none");
    return file_.GetStringAttribute(object, key);
  }
  int64_t IntAttribute(const std::string& object, const std::string& key) const {
    if (!file_.HasAttribute(object, key)) Fail("expected an attribute '" + key + "' on '" + object + "', found none");
    return file_.GetIntAttribute(object, key);
  }
  void set_task(const std::string& task) { task_ = task; }

  // `expected` < 0: any length.
  Strings ReadStrings(const std::string& name, int64_t expected) const {
    Require(name);
    Strings values = file_.ReadStrings(name);
    CheckLength(name, values.size(), expected);
    return values;
  }
  template <typename T>
  std::vector<T> ReadNumbers(const std::string& name, int64_t expected) const {
    Require(name);
    std::vector<T> values = file_.ReadVector<T>(name);
    CheckLength(name, values.size(), expected);
    return values;
  }
  // n + 1 non-decreasing offsets from 0 to `flat_size`.
  std::vector<int64_t> ReadOffsets(const std::string& name, size_t n, size_t flat_size) const {
    std::vector<int64_t> offsets = ReadNumbers<int64_t>(name, static_cast<int64_t>(n + 1));
    for (size_t i = 0; i < n; ++i) {
      if (offsets[i] > offsets[i + 1]) {
        Fail("dataset '" + name + "' decreases at index " + std::to_string(i + 1));
      }
    }
    if (offsets.front() != 0 || offsets.back() != static_cast<int64_t>(flat_size)) {
      Fail("dataset '" + name + "' must run from 0 to " + std::to_string(flat_size) + ", got " +
           std::to_string(offsets.front()) + " to " + std::to_string(offsets.back()));
    }
    return offsets;
  }
  H5Array ReadArray(const std::string& name) const {
    Require(name);
    return file_.Read(name);
  }

 private:
  void CheckLength(const std::string& name, size_t got, int64_t expected) const {
    if (expected >= 0 && got != static_cast<size_t>(expected)) {
      Fail("dataset '" + name + "' has " + std::to_string(got) + " values, expected " + std::to_string(expected));
    }
  }

  std::filesystem::path path_;
  H5File file_;
  std::string task_ = "?";
};

void ReadColumn(const ArtifactReader& r, Examples& out, const std::string& name, std::string Example::*field) {
  Strings values = r.ReadStrings(name, static_cast<int64_t>(out.examples.size()));
  for (size_t i = 0; i < values.size(); ++i) out.examples[i].*field = std::move(values[i]);
}

void ReadRagged(const ArtifactReader& r, Examples& out, const std::string& name,
                std::vector<std::string> Example::*field) {
  Strings flat = r.ReadStrings(name, -1);
  const std::vector<int64_t> offsets = r.ReadOffsets(name + "_offsets", out.examples.size(), flat.size());
  for (size_t i = 0; i < out.examples.size(); ++i) {
    (out.examples[i].*field).assign(std::make_move_iterator(flat.begin() + offsets[i]),
                                    std::make_move_iterator(flat.begin() + offsets[i + 1]));
  }
}

void ReadAnswers(const ArtifactReader& r, Examples& out, const std::string& prefix,
                 std::vector<Answer> Example::*field) {
  Strings text = r.ReadStrings(prefix + "_text", -1);
  const auto count = static_cast<int64_t>(text.size());
  const std::vector<int64_t> start = r.ReadNumbers<int64_t>(prefix + "_start", count);
  const std::vector<int64_t> byte_start = r.ReadNumbers<int64_t>(prefix + "_byte_start", count);
  const std::vector<int64_t> offsets = r.ReadOffsets(prefix + "_offsets", out.examples.size(), text.size());
  for (size_t i = 0; i < out.examples.size(); ++i) {
    for (int64_t k = offsets[i]; k < offsets[i + 1]; ++k) {
      (out.examples[i].*field).push_back(Answer{std::move(text[k]), start[k], byte_start[k]});
    }
  }
}

void ReadParallel(const ArtifactReader& r, ParallelSentences& p) {
  r.Require("parallel");
  p.source_language = r.StringAttribute("parallel", "source_language");
  p.target_language = r.StringAttribute("parallel", "target_language");
  p.source_ids = r.ReadStrings("parallel/source_ids", -1);
  p.source_texts = r.ReadStrings("parallel/source_texts", static_cast<int64_t>(p.source_ids.size()));
  p.target_ids = r.ReadStrings("parallel/target_ids", -1);
  p.target_texts = r.ReadStrings("parallel/target_texts", static_cast<int64_t>(p.target_ids.size()));
  const H5Array gold = r.ReadArray("parallel/gold");
  if (gold.type != H5Type::kInt64 || gold.shape.size() != 2 || gold.shape[1] != 2) {
    r.Fail("dataset 'parallel/gold' must be an int64 array of shape [n, 2]");
  }
  const int64_t* pairs = gold.data<int64_t>();
  for (uint64_t k = 0; k < gold.shape[0]; ++k) {
    const int64_t s = pairs[2 * k], t = pairs[2 * k + 1];
    if (s < 0 || t < 0 || s >= static_cast<int64_t>(p.source_ids.size()) ||
        t >= static_cast<int64_t>(p.target_ids.size())) {
      r.Fail("dataset 'parallel/gold' row " + std::to_string(k) + " (" + std::to_string(s) + ", " +
             std::to_string(t) + ") is outside the " + std::to_string(p.source_ids.size()) + " source and " +
             std::to_string(p.target_ids.size()) + " target sentences");
    }
    p.gold.emplace_back(s, t);
  }
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

Examples ReadExamples(const std::filesystem::path& path) {
  ArtifactReader r(path);
  const std::string kind = r.StringAttribute("/", "kind");
  if (kind != kExamplesArtifactKind) r.Fail("expected an examples artifact, got kind '" + kind + "'");
  const std::string task = r.StringAttribute("/", "task");
  r.set_task(task);
  Examples out;
  bool known = false;
  for (TaskType t : kTasks) {
    if (task == TaskTypeName(t)) {
      out.task = t;
      known = true;
    }
  }
  if (!known) r.Fail("examples artifact has unknown task '" + task + "'");
  out.format = r.StringAttribute("/", "format");
  const int64_t version = r.IntAttribute("/", "version");
  if (version < 1 || version > kExamplesArtifactVersion) {
    r.Fail("examples artifact has layout version " + std::to_string(version) + "; this program reads versions 1 to " +
           std::to_string(kExamplesArtifactVersion));
  }
  const Strings ids = r.ReadStrings("id", -1);
  out.examples.resize(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) out.examples[i].id = ids[i];
  ReadColumn(r, out, "language", &Example::language);
  out.labels = r.ReadStrings("labels", -1);
  const Layout l = LayoutOf(out.task);
  if (l.text_a) ReadColumn(r, out, "text_a", &Example::text_a);
  if (l.text_b) ReadColumn(r, out, "text_b", &Example::text_b);
  if (l.label) ReadColumn(r, out, "label", &Example::label);
  if (l.tokens) {
    ReadRagged(r, out, "tokens", &Example::tokens);
    ReadRagged(r, out, "tags", &Example::tags);
    for (size_t i = 0; i < out.examples.size(); ++i) {
      const Example& e = out.examples[i];
      if (!e.tags.empty() && e.tags.size() != e.tokens.size()) {
        r.Fail("example " + std::to_string(i) + " has " + std::to_string(e.tags.size()) + " tags for " +
               std::to_string(e.tokens.size()) + " tokens (datasets 'tags_offsets' and 'tokens_offsets')");
      }
    }
  }
  if (l.context) {
    ReadColumn(r, out, "context", &Example::context);
    ReadColumn(r, out, "question", &Example::question);
  }
  if (l.answers) {
    const std::vector<uint8_t> impossible =
        r.ReadNumbers<uint8_t>("is_impossible", static_cast<int64_t>(out.examples.size()));
    for (size_t i = 0; i < impossible.size(); ++i) out.examples[i].is_impossible = impossible[i] != 0;
    ReadAnswers(r, out, "answer", &Example::answers);
    ReadAnswers(r, out, "plausible", &Example::plausible_answers);
  }
  if (l.choices) ReadRagged(r, out, "choices", &Example::choices);
  if (out.task == TaskType::kParallelSentences) ReadParallel(r, out.parallel);
  return out;
}

}  // namespace xstilts
