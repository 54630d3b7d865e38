// ExamplesReader and ReadExamples (data/examples_artifact.h): the examples artifact read by
// ranges. Everything a file could get wrong is checked when the reader opens, streaming through
// the offsets arrays, so that a consumer fails before it has written anything and Read() only
// slices.
#include <algorithm>
#include <stdexcept>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/examples_layout.h"
#include "data/h5_file.h"

namespace xstilts {
namespace {

using Strings = std::vector<std::string>;
using examples_internal::Layout;
using examples_internal::LayoutOf;

// Rows of an offsets array checked per read while the reader opens: 512 KiB.
constexpr uint64_t kScanRows = 1 << 16;

std::vector<int64_t> ToInt64(const H5Array& array) {
  return std::vector<int64_t>(array.data<int64_t>(), array.data<int64_t>() + array.NumElements());
}

// The checks of an artifact being opened; messages as ReadExamples has always given them.
class Checker {
 public:
  Checker(const std::filesystem::path& path, const H5File& file) : path_(path), file_(file) {}

  [[noreturn]] void Fail(const std::string& what) const { throw InputError(path_.string(), 0, what); }
  void set_task(const std::string& task) { task_ = task; }

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

  // A 1-d string dataset; its length, which must be `expected` unless that is < 0.
  uint64_t Strings(const std::string& name, int64_t expected) const {
    Require(name);
    file_.ReadStringRows(name, 0, 0);  // throws H5Error unless it holds variable-length strings
    const std::vector<uint64_t> shape = file_.Shape(name);
    if (shape.size() != 1) Fail("dataset '" + name + "' must be 1-d, has rank " + std::to_string(shape.size()));
    CheckLength(name, shape[0], expected);
    return shape[0];
  }
  // A 1-d numeric dataset of `type` and length `expected` (any when < 0); its length.
  uint64_t Numbers(const std::string& name, H5Type type, int64_t expected) const {
    Require(name);
    const std::vector<uint64_t> shape = file_.Shape(name);
    const H5Type stored = shape.empty() ? type : file_.ReadRows(name, 0, 0).type;
    if (stored != type || shape.size() != 1) {
      throw H5Error(path_.string() + ": dataset '" + name + "' is " + H5TypeName(stored) + " of rank " +
                    std::to_string(shape.size()) + ", expected a 1-d " + H5TypeName(type) + " array");
    }
    CheckLength(name, shape[0], expected);
    return shape[0];
  }
  // n + 1 int64 offsets, non-decreasing from 0 to `flat_size`, read kScanRows at a time.
  void Offsets(const std::string& name, uint64_t n, uint64_t flat_size) const {
    Numbers(name, H5Type::kInt64, static_cast<int64_t>(n + 1));
    int64_t front = 0, back = 0;
    for (uint64_t first = 0; first < n + 1; first += kScanRows) {
      const std::vector<int64_t> block = ToInt64(file_.ReadRows(name, first, std::min(kScanRows, n + 1 - first)));
      if (first == 0) front = back = block.front();
      for (size_t k = 0; k < block.size(); ++k) {
        if (block[k] < back) Fail("dataset '" + name + "' decreases at index " + std::to_string(first + k));
        back = block[k];
      }
    }
    if (front != 0 || back != static_cast<int64_t>(flat_size)) {
      Fail("dataset '" + name + "' must run from 0 to " + std::to_string(flat_size) + ", got " +
           std::to_string(front) + " to " + std::to_string(back));
    }
  }
  // A tagged example has as many tags as tokens.
  void TagCounts(uint64_t n) const {
    for (uint64_t first = 0; first < n; first += kScanRows) {
      const uint64_t rows = std::min(kScanRows, n - first) + 1;
      const std::vector<int64_t> tokens = ToInt64(file_.ReadRows("tokens_offsets", first, rows));
      const std::vector<int64_t> tags = ToInt64(file_.ReadRows("tags_offsets", first, rows));
      for (size_t k = 0; k + 1 < rows; ++k) {
        const int64_t num_tags = tags[k + 1] - tags[k], num_tokens = tokens[k + 1] - tokens[k];
        if (num_tags != 0 && num_tags != num_tokens) {
          Fail("example " + std::to_string(first + k) + " has " + std::to_string(num_tags) + " tags for " +
               std::to_string(num_tokens) + " tokens (datasets 'tags_offsets' and 'tokens_offsets')");
        }
      }
    }
  }
  void Ragged(const std::string& name, uint64_t n) const {
    const uint64_t flat = Strings(name, -1);
    Offsets(name + "_offsets", n, flat);
  }
  void Answers(const std::string& prefix, uint64_t n) const {
    const auto count = static_cast<int64_t>(Strings(prefix + "_text", -1));
    Numbers(prefix + "_start", H5Type::kInt64, count);
    Numbers(prefix + "_byte_start", H5Type::kInt64, count);
    Offsets(prefix + "_offsets", n, static_cast<uint64_t>(count));
  }

 private:
  void CheckLength(const std::string& name, uint64_t got, int64_t expected) const {
    if (expected >= 0 && got != static_cast<uint64_t>(expected)) {
      Fail("dataset '" + name + "' has " + std::to_string(got) + " values, expected " + std::to_string(expected));
    }
  }

  const std::filesystem::path& path_;
  const H5File& file_;
  std::string task_ = "?";
};

void ReadParallel(const Checker& c, const H5File& file, ParallelSentences& p) {
  c.Require("parallel");
  p.source_language = c.StringAttribute("parallel", "source_language");
  p.target_language = c.StringAttribute("parallel", "target_language");
  const uint64_t sources = c.Strings("parallel/source_ids", -1);
  c.Strings("parallel/source_texts", static_cast<int64_t>(sources));
  const uint64_t targets = c.Strings("parallel/target_ids", -1);
  c.Strings("parallel/target_texts", static_cast<int64_t>(targets));
  p.source_ids = file.ReadStrings("parallel/source_ids");
  p.source_texts = file.ReadStrings("parallel/source_texts");
  p.target_ids = file.ReadStrings("parallel/target_ids");
  p.target_texts = file.ReadStrings("parallel/target_texts");
  c.Require("parallel/gold");
  const H5Array gold = file.Read("parallel/gold");
  if (gold.type != H5Type::kInt64 || gold.shape.size() != 2 || gold.shape[1] != 2) {
    c.Fail("dataset 'parallel/gold' must be an int64 array of shape [n, 2]");
  }
  const int64_t* pairs = gold.data<int64_t>();
  for (uint64_t k = 0; k < gold.shape[0]; ++k) {
    const int64_t s = pairs[2 * k], t = pairs[2 * k + 1];
    if (s < 0 || t < 0 || s >= static_cast<int64_t>(sources) || t >= static_cast<int64_t>(targets)) {
      c.Fail("dataset 'parallel/gold' row " + std::to_string(k) + " (" + std::to_string(s) + ", " + std::to_string(t) +
             ") is outside the " + std::to_string(sources) + " source and " + std::to_string(targets) +
             " target sentences");
    }
    p.gold.emplace_back(s, t);
  }
}

// Reading a range. `first`..`first + count` are example rows.

void ReadColumnInto(const H5File& file, std::vector<Example>& out, uint64_t first, const std::string& name,
                    std::string Example::*field) {
  Strings values = file.ReadStringRows(name, first, out.size());
  for (size_t i = 0; i < out.size(); ++i) out[i].*field = std::move(values[i]);
}

// Offsets rows first..first + count, whose first value is where the range's flat rows start.
std::vector<int64_t> ReadOffsetRows(const H5File& file, const std::string& name, uint64_t first, uint64_t count) {
  return ToInt64(file.ReadRows(name, first, count + 1));
}

void ReadRaggedInto(const H5File& file, std::vector<Example>& out, uint64_t first, const std::string& name,
                    std::vector<std::string> Example::*field) {
  const std::vector<int64_t> offsets = ReadOffsetRows(file, name + "_offsets", first, out.size());
  const int64_t base = offsets.front();
  Strings flat = file.ReadStringRows(name, static_cast<uint64_t>(base), static_cast<uint64_t>(offsets.back() - base));
  for (size_t i = 0; i < out.size(); ++i) {
    (out[i].*field).assign(std::make_move_iterator(flat.begin() + (offsets[i] - base)),
                           std::make_move_iterator(flat.begin() + (offsets[i + 1] - base)));
  }
}

void ReadAnswersInto(const H5File& file, std::vector<Example>& out, uint64_t first, const std::string& prefix,
                     std::vector<Answer> Example::*field) {
  const std::vector<int64_t> offsets = ReadOffsetRows(file, prefix + "_offsets", first, out.size());
  const auto base = static_cast<uint64_t>(offsets.front());
  const auto count = static_cast<uint64_t>(offsets.back()) - base;
  Strings text = file.ReadStringRows(prefix + "_text", base, count);
  const std::vector<int64_t> start = ToInt64(file.ReadRows(prefix + "_start", base, count));
  const std::vector<int64_t> byte_start = ToInt64(file.ReadRows(prefix + "_byte_start", base, count));
  for (size_t i = 0; i < out.size(); ++i) {
    for (auto k = static_cast<uint64_t>(offsets[i]) - base; k < static_cast<uint64_t>(offsets[i + 1]) - base; ++k) {
      (out[i].*field).push_back(Answer{std::move(text[k]), start[k], byte_start[k]});
    }
  }
}

}  // namespace

ExamplesReader::ExamplesReader(const std::filesystem::path& path)
    : path_(path), file_(std::make_unique<H5File>(path, H5File::Mode::kReadOnly)) {
  Checker c(path_, *file_);
  const std::string kind = c.StringAttribute("/", "kind");
  if (kind != kExamplesArtifactKind) c.Fail("expected an examples artifact, got kind '" + kind + "'");
  const std::string task = c.StringAttribute("/", "task");
  c.set_task(task);
  const auto* known = std::find_if(std::begin(examples_internal::kTasks), std::end(examples_internal::kTasks),
                                   [&](TaskType t) { return task == TaskTypeName(t); });
  if (known == std::end(examples_internal::kTasks)) c.Fail("examples artifact has unknown task '" + task + "'");
  header_.task = *known;
  header_.format = c.StringAttribute("/", "format");
  const int64_t version = c.IntAttribute("/", "version");
  if (version < 1 || version > kExamplesArtifactVersion) {
    c.Fail("examples artifact has layout version " + std::to_string(version) + "; this program reads versions 1 to " +
           std::to_string(kExamplesArtifactVersion));
  }
  size_ = c.Strings("id", -1);
  const auto n = static_cast<int64_t>(size_);
  c.Strings("language", n);
  c.Strings("labels", -1);
  header_.labels = file_->ReadStrings("labels");
  const Layout l = LayoutOf(header_.task);
  if (l.text_a) c.Strings("text_a", n);
  if (l.text_b) c.Strings("text_b", n);
  if (l.label) c.Strings("label", n);
  if (l.tokens) {
    c.Ragged("tokens", size_);
    c.Ragged("tags", size_);
    c.TagCounts(size_);
  }
  if (l.context) {
    c.Strings("context", n);
    c.Strings("question", n);
  }
  if (l.answers) {
    c.Numbers("is_impossible", H5Type::kUInt8, n);
    c.Answers("answer", size_);
    c.Answers("plausible", size_);
  }
  if (l.choices) c.Ragged("choices", size_);
  if (header_.task == TaskType::kParallelSentences) ReadParallel(c, *file_, header_.parallel);
}

ExamplesReader::~ExamplesReader() = default;
ExamplesReader::ExamplesReader(ExamplesReader&&) noexcept = default;
ExamplesReader& ExamplesReader::operator=(ExamplesReader&&) noexcept = default;

std::vector<Example> ExamplesReader::Read(uint64_t first, uint64_t count) const {
  if (first > size_ || count > size_ - first) {
    throw std::out_of_range(path_.string() + ": examples " + std::to_string(first) + ".." +
                            std::to_string(first + count) + " are outside the " + std::to_string(size_) + " examples");
  }
  std::vector<Example> out(count);
  if (count == 0) return out;
  const H5File& file = *file_;
  const Layout l = LayoutOf(header_.task);
  ReadColumnInto(file, out, first, "id", &Example::id);
  ReadColumnInto(file, out, first, "language", &Example::language);
  if (l.text_a) ReadColumnInto(file, out, first, "text_a", &Example::text_a);
  if (l.text_b) ReadColumnInto(file, out, first, "text_b", &Example::text_b);
  if (l.label) ReadColumnInto(file, out, first, "label", &Example::label);
  if (l.tokens) {
    ReadRaggedInto(file, out, first, "tokens", &Example::tokens);
    ReadRaggedInto(file, out, first, "tags", &Example::tags);
  }
  if (l.context) {
    ReadColumnInto(file, out, first, "context", &Example::context);
    ReadColumnInto(file, out, first, "question", &Example::question);
  }
  if (l.answers) {
    const H5Array impossible = file.ReadRows("is_impossible", first, count);
    for (size_t i = 0; i < count; ++i) out[i].is_impossible = impossible.data<uint8_t>()[i] != 0;
    ReadAnswersInto(file, out, first, "answer", &Example::answers);
    ReadAnswersInto(file, out, first, "plausible", &Example::plausible_answers);
  }
  if (l.choices) ReadRaggedInto(file, out, first, "choices", &Example::choices);
  return out;
}

std::vector<std::string> ExamplesReader::ReadColumn(const std::string& name, uint64_t first, uint64_t count) const {
  const Layout l = LayoutOf(header_.task);
  const bool stored = name == "id" || name == "language" || (name == "text_a" && l.text_a) ||
                      (name == "text_b" && l.text_b) || (name == "label" && l.label) ||
                      ((name == "context" || name == "question") && l.context);
  if (!stored) {
    throw InputError(path_.string(), 0,
                     "examples artifact (task " + std::string(TaskTypeName(header_.task)) +
                         ") has no per-example string column '" + name + "'");
  }
  if (first > size_ || count > size_ - first) {
    throw std::out_of_range(path_.string() + ": rows " + std::to_string(first) + ".." + std::to_string(first + count) +
                            " of '" + name + "' are outside the " + std::to_string(size_) + " examples");
  }
  return file_->ReadStringRows(name, first, count);
}

Examples ReadExamples(const std::filesystem::path& path) {
  ExamplesReader reader(path);
  Examples out;
  out.examples = reader.Read(0, reader.size());
  out.task = reader.header_.task;
  out.format = std::move(reader.header_.format);
  out.labels = std::move(reader.header_.labels);
  out.parallel = std::move(reader.header_.parallel);
  return out;
}

}  // namespace xstilts
