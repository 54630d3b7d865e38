#include "data/token_dataset.h"

#include <cstring>
#include <stdexcept>

#include "base/input_error.h"
#include "data/h5_file.h"

namespace xstilts {
namespace {

// A column of TokenFeatures by name; exactly one of the two member pointers is set.
struct Column {
  const char* name;
  std::vector<int32_t> TokenFeatures::*i32;
  std::vector<int64_t> TokenFeatures::*i64;
};

constexpr Column kColumns[] = {
    {"label", &TokenFeatures::label, nullptr},
    {"choice_index", &TokenFeatures::choice_index, nullptr},
    {"start_position", &TokenFeatures::start_position, nullptr},
    {"end_position", &TokenFeatures::end_position, nullptr},
    {"side", &TokenFeatures::side, nullptr},
    {"sentence_index", nullptr, &TokenFeatures::sentence_index},
    {"token_labels", &TokenFeatures::token_labels, nullptr},
    {"word_index", &TokenFeatures::word_index, nullptr},
    {"context_char_start", &TokenFeatures::context_char_start, nullptr},
    {"context_char_end", &TokenFeatures::context_char_end, nullptr},
};

const Column& ColumnNamed(const std::string& name) {
  for (const Column& c : kColumns) {
    if (name == c.name) return c;
  }
  throw std::logic_error("no token column '" + name + "'");
}

size_t ColumnSize(const TokenFeatures& f, const Column& c) { return c.i32 ? (f.*c.i32).size() : (f.*c.i64).size(); }

constexpr TaskType kTasks[] = {TaskType::kPairClassification, TaskType::kSentenceClassification,
                               TaskType::kTagging,           TaskType::kSpanQa,
                               TaskType::kMultipleChoice,    TaskType::kParallelSentences};

bool Uses(const TokenColumns& columns, const std::string& name) {
  for (const auto* list : {&columns.per_feature, &columns.per_token}) {
    for (const std::string& n : *list) {
      if (n == name) return true;
    }
  }
  return false;
}

// Checks that `f` holds exactly the columns of `task`, with consistent lengths and offsets.
void CheckFeatures(const TokenFeatures& f, TaskType task, const TokenColumns& columns) {
  const auto fail = [&](const std::string& what) {
    throw std::invalid_argument(std::string("token features (task ") + TaskTypeName(task) + "): " + what);
  };
  const size_t n = f.size();
  if (f.offsets.size() != n + 1) {
    fail("offsets has " + std::to_string(f.offsets.size()) + " entries for " + std::to_string(n) + " features");
  }
  if (f.offsets[0] != 0) fail("offsets must start at 0, got " + std::to_string(f.offsets[0]));
  for (size_t i = 0; i < n; ++i) {
    if (f.offsets[i + 1] < f.offsets[i]) fail("offsets decrease at feature " + std::to_string(i));
  }
  if (static_cast<uint64_t>(f.offsets[n]) != f.input_ids.size()) {
    fail("offsets end at " + std::to_string(f.offsets[n]) + " but there are " + std::to_string(f.input_ids.size()) +
         " input_ids");
  }
  for (const Column& c : kColumns) {
    const size_t size = ColumnSize(f, c);
    if (!Uses(columns, c.name)) {
      if (size != 0) fail(std::string("has column '") + c.name + "', which this task does not store");
      continue;
    }
    bool per_token = false;
    for (const std::string& name : columns.per_token) per_token |= name == c.name;
    const size_t expected = per_token ? f.input_ids.size() : n;
    if (size != expected) {
      fail(std::string("column '") + c.name + "' has " + std::to_string(size) + " entries, expected " +
           std::to_string(expected) + (per_token ? " (one per token)" : " (one per feature)"));
    }
  }
}

TaskType ParseTask(const std::string& name, const std::filesystem::path& path) {
  for (TaskType t : kTasks) {
    if (name == TaskTypeName(t)) return t;
  }
  throw InputError(path.string(), 0, "tokens artifact has unknown task '" + name + "'");
}

void WriteInfo(H5File& file, const TokenDatasetInfo& info, int64_t num_examples) {
  file.SetAttribute("/", "kind", std::string(kTokensArtifactKind));
  file.SetAttribute("/", "version", int64_t{kTokensArtifactVersion});
  file.SetAttribute("/", "task", std::string(TaskTypeName(info.task)));
  file.SetAttribute("/", "format", info.format);
  file.SetAttribute("/", "max_length", info.max_length);
  file.SetAttribute("/", "truncation", info.truncation);
  file.SetAttribute("/", "doc_stride", info.doc_stride);
  file.SetAttribute("/", "max_query_length", info.max_query_length);
  file.SetAttribute("/", "label_all_subtokens", int64_t{info.label_all_subtokens ? 1 : 0});
  file.SetAttribute("/", "id_layout", info.id_layout);
  file.SetAttribute("/", "vocab_size", info.vocab_size);
  file.SetAttribute("/", "pad_id", int64_t{info.pad_id});
  file.SetAttribute("/", "bos_id", int64_t{info.bos_id});
  file.SetAttribute("/", "eos_id", int64_t{info.eos_id});
  file.SetAttribute("/", "unk_id", int64_t{info.unk_id});
  file.SetAttribute("/", "mask_id", int64_t{info.mask_id});
  file.SetAttribute("/", "num_examples", num_examples);
  if (info.task == TaskType::kParallelSentences) {
    file.SetAttribute("/", "source_language", info.source_language);
    file.SetAttribute("/", "target_language", info.target_language);
    file.SetAttribute("/", "source_sentences", info.source_sentences);
  }
  file.WriteStrings("labels", info.labels);
}

TokenDatasetInfo ReadInfo(const H5File& file, const std::filesystem::path& path) {
  const std::string where = path.string();
  if (!file.HasAttribute("/", "kind")) throw InputError(where, 0, "expected a tokens artifact, got a file without 'kind'");
  const std::string kind = file.GetStringAttribute("/", "kind");
  if (kind != kTokensArtifactKind) throw InputError(where, 0, "expected a tokens artifact, got kind '" + kind + "'");
  const int64_t version = file.GetIntAttribute("/", "version");
  if (version < 1 || version > kTokensArtifactVersion) {
    throw InputError(where, 0, "tokens artifact has layout version " + std::to_string(version) +
                                   "; this program reads versions 1 to " + std::to_string(kTokensArtifactVersion));
  }
  TokenDatasetInfo info;
  info.task = ParseTask(file.GetStringAttribute("/", "task"), path);
  info.format = file.GetStringAttribute("/", "format");
  info.max_length = file.GetIntAttribute("/", "max_length");
  info.truncation = file.GetStringAttribute("/", "truncation");
  info.doc_stride = file.GetIntAttribute("/", "doc_stride");
  info.max_query_length = file.GetIntAttribute("/", "max_query_length");
  info.label_all_subtokens = file.GetIntAttribute("/", "label_all_subtokens") != 0;
  info.id_layout = file.GetStringAttribute("/", "id_layout");
  info.vocab_size = file.GetIntAttribute("/", "vocab_size");
  info.pad_id = static_cast<int32_t>(file.GetIntAttribute("/", "pad_id"));
  info.bos_id = static_cast<int32_t>(file.GetIntAttribute("/", "bos_id"));
  info.eos_id = static_cast<int32_t>(file.GetIntAttribute("/", "eos_id"));
  info.unk_id = static_cast<int32_t>(file.GetIntAttribute("/", "unk_id"));
  info.mask_id = static_cast<int32_t>(file.GetIntAttribute("/", "mask_id"));
  if (info.task == TaskType::kParallelSentences) {
    info.source_language = file.GetStringAttribute("/", "source_language");
    info.target_language = file.GetStringAttribute("/", "target_language");
    info.source_sentences = file.GetIntAttribute("/", "source_sentences");
  }
  info.labels = file.ReadStrings("labels");
  return info;
}

template <typename T>
std::vector<T> ToVector(const H5Array& array, const std::string& where) {
  if (array.type != H5TypeOf<T>() || array.shape.size() != 1) {
    throw InputError(where + " is " + H5TypeName(array.type) + " of rank " + std::to_string(array.shape.size()) +
                     ", expected a 1-d " + H5TypeName(H5TypeOf<T>()) + " array");
  }
  return std::vector<T>(array.data<T>(), array.data<T>() + array.NumElements());
}

}  // namespace

void TokenFeatures::clear() {
  input_ids.clear();
  offsets.assign(1, 0);
  example_index.clear();
  for (const Column& c : kColumns) {
    if (c.i32) (this->*c.i32).clear();
    if (c.i64) (this->*c.i64).clear();
  }
}

bool TokenFeatures::operator==(const TokenFeatures& o) const {
  if (input_ids != o.input_ids || offsets != o.offsets || example_index != o.example_index) return false;
  for (const Column& c : kColumns) {
    if (c.i32 && this->*c.i32 != o.*c.i32) return false;
    if (c.i64 && this->*c.i64 != o.*c.i64) return false;
  }
  return true;
}

TokenColumns TokenColumnsOf(TaskType task) {
  switch (task) {
    case TaskType::kPairClassification:
    case TaskType::kSentenceClassification:
      return {{"label"}, {}};
    case TaskType::kTagging:
      return {{}, {"token_labels", "word_index"}};
    case TaskType::kSpanQa:
      return {{"start_position", "end_position"}, {"context_char_start", "context_char_end"}};
    case TaskType::kMultipleChoice:
      return {{"label", "choice_index"}, {}};
    case TaskType::kParallelSentences:
      return {{"side", "sentence_index"}, {}};
  }
  return {};
}

// ---------------------------------------------------------------------------------------------
// Writing

// One column's data not yet handed to HDF5, as raw bytes.
struct TokenDatasetWriter::PendingColumn {
  std::string name;
  size_t element_size = 0;
  size_t chunk_elements = 0;
  std::vector<uint8_t> bytes;

  void Add(const void* data, size_t elements) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + elements * element_size);
  }
  // Appends the whole chunks held (everything when `all`) and keeps the rest.
  void Flush(H5File& file, bool all) {
    const size_t elements = bytes.size() / element_size;
    const size_t ready = all ? elements : elements / chunk_elements * chunk_elements;
    if (ready == 0) return;
    file.Append(name, ready, bytes.data());
    bytes.erase(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(ready * element_size));
  }
};

TokenDatasetWriter::TokenDatasetWriter(const std::filesystem::path& path, const TokenDatasetInfo& info,
                                       const std::vector<std::string>& example_id,
                                       const std::vector<std::string>& language)
    : task_(info.task), columns_(TokenColumnsOf(info.task)) {
  if (example_id.size() != language.size()) {
    throw std::invalid_argument("token dataset: " + std::to_string(example_id.size()) + " example ids for " +
                                std::to_string(language.size()) + " languages");
  }
  for (const std::vector<std::string>* strings : {&example_id, &language, &info.labels}) {
    for (const std::string& s : *strings) {
      if (std::memchr(s.data(), '\0', s.size()) != nullptr) {
        throw std::invalid_argument("token dataset: '" + s + "' contains a NUL byte, which an HDF5 string cannot hold");
      }
    }
  }
  num_examples_ = static_cast<int64_t>(example_id.size());
  file_ = std::make_unique<H5File>(path, H5File::Mode::kCreate);
  WriteInfo(*file_, info, num_examples_);
  file_->WriteStrings("example_id", example_id);
  file_->WriteStrings("language", language);
  // Column order: input_ids, offsets, example_index, then the task's (Append relies on it).
  std::vector<std::pair<std::string, H5Type>> names = {
      {"input_ids", H5Type::kInt32}, {"offsets", H5Type::kInt64}, {"example_index", H5Type::kInt64}};
  for (const auto* list : {&columns_.per_feature, &columns_.per_token}) {
    for (const std::string& name : *list) names.emplace_back(name, ColumnNamed(name).i32 ? H5Type::kInt32 : H5Type::kInt64);
  }
  for (const auto& [name, type] : names) {
    file_->CreateExtendable(name, type, {});
    auto column = std::make_unique<PendingColumn>();
    column->name = name;
    column->element_size = H5TypeSize(type);
    column->chunk_elements = (size_t{1} << 20) / column->element_size;  // as H5File::CreateExtendable
    pending_.push_back(std::move(column));
  }
  const int64_t zero = 0;
  pending_[1]->Add(&zero, 1);
}

TokenDatasetWriter::~TokenDatasetWriter() = default;

void TokenDatasetWriter::Append(const TokenFeatures& batch) {
  if (!file_) throw std::logic_error("TokenDatasetWriter::Append after Finish");
  CheckFeatures(batch, task_, columns_);
  for (int64_t e : batch.example_index) {
    if (e < 0 || e >= num_examples_) {
      throw std::invalid_argument("token features: example_index " + std::to_string(e) + " outside [0, " +
                                  std::to_string(num_examples_) + ")");
    }
  }
  if (batch.size() == 0) return;
  pending_[0]->Add(batch.input_ids.data(), batch.input_ids.size());
  shifted_offsets_.resize(batch.size());
  for (size_t i = 0; i < batch.size(); ++i) shifted_offsets_[i] = batch.offsets[i + 1] + static_cast<int64_t>(tokens_);
  pending_[1]->Add(shifted_offsets_.data(), shifted_offsets_.size());
  pending_[2]->Add(batch.example_index.data(), batch.size());
  for (size_t c = 3; c < pending_.size(); ++c) {
    const Column& column = ColumnNamed(pending_[c]->name);
    if (column.i32) pending_[c]->Add((batch.*column.i32).data(), (batch.*column.i32).size());
    if (column.i64) pending_[c]->Add((batch.*column.i64).data(), (batch.*column.i64).size());
  }
  for (auto& column : pending_) column->Flush(*file_, false);
  features_ += batch.size();
  tokens_ += batch.input_ids.size();
}

void TokenDatasetWriter::Finish() {
  if (!file_) return;
  for (auto& column : pending_) column->Flush(*file_, true);
  file_->Close();
  file_.reset();
}

void WriteTokenDataset(const TokenDataset& dataset, const std::filesystem::path& path) {
  TokenDatasetWriter writer(path, dataset.info, dataset.example_id, dataset.language);
  writer.Append(dataset.features);
  writer.Finish();
}

// ---------------------------------------------------------------------------------------------
// Reading

TokenDatasetReader::TokenDatasetReader(const std::filesystem::path& path)
    : path_(path), file_(std::make_unique<H5File>(path, H5File::Mode::kReadOnly)) {
  info_ = ReadInfo(*file_, path);
  columns_ = TokenColumnsOf(info_.task);
  const std::string where = path.string();
  const auto require = [&](const std::string& name) {
    if (!file_->Exists(name)) {
      throw InputError(where, 0, std::string("tokens artifact (task ") + TaskTypeName(info_.task) +
                                     ") has no dataset '" + name + "'");
    }
  };
  for (const char* name : {"example_id", "language", "input_ids", "offsets", "example_index"}) require(name);
  for (const auto* list : {&columns_.per_feature, &columns_.per_token}) {
    for (const std::string& name : *list) require(name);
  }
  example_id_ = file_->ReadStrings("example_id");
  language_ = file_->ReadStrings("language");
  if (example_id_.size() != language_.size()) {
    throw InputError(where, 0, "dataset 'example_id' has " + std::to_string(example_id_.size()) +
                                   " rows but 'language' has " + std::to_string(language_.size()));
  }
  offsets_ = ToVector<int64_t>(file_->Read("offsets"), where + ": dataset 'offsets'");
  if (offsets_.empty() || offsets_[0] != 0) throw InputError(where, 0, "dataset 'offsets' must start at 0");
  for (size_t i = 1; i < offsets_.size(); ++i) {
    if (offsets_[i] < offsets_[i - 1]) {
      throw InputError(where, 0, "dataset 'offsets' decreases at feature " + std::to_string(i - 1));
    }
  }
  const uint64_t features = offsets_.size() - 1;
  const uint64_t tokens = static_cast<uint64_t>(offsets_.back());
  const auto check_rows = [&](const std::string& name, uint64_t expected, const char* per) {
    const std::vector<uint64_t> shape = file_->Shape(name);
    const uint64_t rows = shape.empty() ? 0 : shape[0];
    if (shape.size() != 1 || rows != expected) {
      throw InputError(where, 0, "dataset '" + name + "' has " + std::to_string(rows) + " rows, expected " +
                                     std::to_string(expected) + " (" + per + ")");
    }
  };
  check_rows("input_ids", tokens, "offsets' last entry");
  check_rows("example_index", features, "one per feature");
  for (const std::string& name : columns_.per_feature) check_rows(name, features, "one per feature");
  for (const std::string& name : columns_.per_token) check_rows(name, tokens, "one per token");
}

TokenDatasetReader::~TokenDatasetReader() = default;
TokenDatasetReader::TokenDatasetReader(TokenDatasetReader&&) noexcept = default;
TokenDatasetReader& TokenDatasetReader::operator=(TokenDatasetReader&&) noexcept = default;

TokenFeatures TokenDatasetReader::ReadFeatures(uint64_t first, uint64_t count) const {
  if (first + count > num_features()) {
    throw InputError(path_.string(), 0, "features " + std::to_string(first) + ".." + std::to_string(first + count) +
                                            " requested, the artifact has " + std::to_string(num_features()));
  }
  const std::string where = path_.string() + ": dataset '";
  TokenFeatures f;
  const auto token_first = static_cast<uint64_t>(offsets_[first]);
  const auto token_count = static_cast<uint64_t>(offsets_[first + count]) - token_first;
  f.offsets.resize(count + 1);
  for (uint64_t i = 0; i <= count; ++i) f.offsets[i] = offsets_[first + i] - offsets_[first];
  f.input_ids = ToVector<int32_t>(file_->ReadRows("input_ids", token_first, token_count), where + "input_ids'");
  f.example_index = ToVector<int64_t>(file_->ReadRows("example_index", first, count), where + "example_index'");
  for (const auto* list : {&columns_.per_feature, &columns_.per_token}) {
    const bool per_token = list == &columns_.per_token;
    for (const std::string& name : *list) {
      const Column& c = ColumnNamed(name);
      H5Array rows = per_token ? file_->ReadRows(name, token_first, token_count) : file_->ReadRows(name, first, count);
      if (c.i32) f.*c.i32 = ToVector<int32_t>(rows, where + name + "'");
      if (c.i64) f.*c.i64 = ToVector<int64_t>(rows, where + name + "'");
    }
  }
  for (int64_t e : f.example_index) {
    if (e < 0 || static_cast<size_t>(e) >= example_id_.size()) {
      throw InputError(path_.string(), 0, "example_index " + std::to_string(e) + " outside [0, " +
                                              std::to_string(example_id_.size()) + ")");
    }
  }
  return f;
}

TokenDataset ReadTokenDataset(const std::filesystem::path& path) {
  TokenDatasetReader reader(path);
  TokenDataset dataset;
  dataset.info = reader.info();
  dataset.example_id = reader.example_id();
  dataset.language = reader.language();
  dataset.features = reader.ReadFeatures(0, reader.num_features());
  return dataset;
}

// ---------------------------------------------------------------------------------------------
// Comparison (tests)

std::string TokenDatasetDifference(const TokenDataset& a, const TokenDataset& b) {
  const TokenDatasetInfo &x = a.info, &y = b.info;
  const auto attr = [](const char* name, const auto& u, const auto& v) {
    return std::string("info.") + name + ": " + std::to_string(u) + " vs " + std::to_string(v);
  };
  if (x.task != y.task) return std::string("info.task: ") + TaskTypeName(x.task) + " vs " + TaskTypeName(y.task);
  if (x.format != y.format) return "info.format: " + x.format + " vs " + y.format;
  if (x.labels != y.labels) return "info.labels differ";
  if (x.max_length != y.max_length) return attr("max_length", x.max_length, y.max_length);
  if (x.truncation != y.truncation) return "info.truncation: " + x.truncation + " vs " + y.truncation;
  if (x.doc_stride != y.doc_stride) return attr("doc_stride", x.doc_stride, y.doc_stride);
  if (x.max_query_length != y.max_query_length) return attr("max_query_length", x.max_query_length, y.max_query_length);
  if (x.label_all_subtokens != y.label_all_subtokens) return "info.label_all_subtokens differs";
  if (x.id_layout != y.id_layout) return "info.id_layout: " + x.id_layout + " vs " + y.id_layout;
  if (x.vocab_size != y.vocab_size) return attr("vocab_size", x.vocab_size, y.vocab_size);
  if (x.pad_id != y.pad_id || x.bos_id != y.bos_id || x.eos_id != y.eos_id || x.unk_id != y.unk_id ||
      x.mask_id != y.mask_id) {
    return "info: special ids differ";
  }
  if (x.source_language != y.source_language || x.target_language != y.target_language ||
      x.source_sentences != y.source_sentences) {
    return "info: parallel sides differ";
  }
  if (a.example_id != b.example_id) return "example_id differs";
  if (a.language != b.language) return "language differs";
  const TokenFeatures &f = a.features, &g = b.features;
  if (f.size() != g.size()) return "features: " + std::to_string(f.size()) + " vs " + std::to_string(g.size());
  for (size_t i = 0; i < f.size(); ++i) {
    const std::string at = "features[" + std::to_string(i) + "] (example " + std::to_string(f.example_index[i]) + "): ";
    if (f.example_index[i] != g.example_index[i]) return at + "example_index differs";
    if (f.Length(i) != g.Length(i)) return at + "length " + std::to_string(f.Length(i)) + " vs " + std::to_string(g.Length(i));
    for (int64_t t = f.offsets[i]; t < f.offsets[i + 1]; ++t) {
      if (f.input_ids[t] != g.input_ids[t]) {
        return at + "input_ids differ at token " + std::to_string(t - f.offsets[i]) + ": " +
               std::to_string(f.input_ids[t]) + " vs " + std::to_string(g.input_ids[t]);
      }
    }
  }
  for (const Column& c : kColumns) {
    const bool same = c.i32 ? f.*c.i32 == g.*c.i32 : f.*c.i64 == g.*c.i64;
    if (!same) return std::string("column '") + c.name + "' differs";
  }
  return "";
}

}  // namespace xstilts
