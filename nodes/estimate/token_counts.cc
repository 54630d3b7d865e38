#include "nodes/estimate/token_counts.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "data/h5_file.h"
#include "data/readers/read_dataset.h"
#include "nodes/estimate/tokens_per_example.h"

namespace xstilts {
namespace {

std::string HeadKindOfTask(const std::string& task) {
  if (task == "pair_classification" || task == "sentence_classification") return "sequence_classification";
  if (task == "tagging") return "token_classification";
  if (task == "span_qa") return "question_answering";
  if (task == "multiple_choice") return "multiple_choice";
  return "";
}

TokenCounts MeasuredCounts(const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kReadOnly);
  TokenCounts c;
  c.source = EstimateSource::kMeasured;
  const std::string task = file.GetStringAttribute("/", "task");
  c.head_kind = HeadKindOfTask(task);
  c.max_length = file.GetIntAttribute("/", "max_length");
  const std::vector<int64_t> offsets = file.ReadVector<int64_t>("/offsets");
  for (size_t i = 0; i + 1 < offsets.size(); ++i) {
    c.lengths.push_back(offsets[i + 1] - offsets[i]);
    c.longest = std::max(c.longest, c.lengths.back());
  }
  c.tokens = offsets.empty() ? 0.0 : static_cast<double>(offsets.back());
  c.rows = static_cast<double>(c.lengths.size());
  if (task == "multiple_choice") {
    // One row per example: its features (one per choice) are consecutive.
    const std::vector<int64_t> example = file.ReadVector<int64_t>("/example_index");
    int64_t groups = 0;
    for (size_t i = 0; i < example.size(); ++i) groups += i == 0 || example[i] != example[i - 1];
    c.rows = static_cast<double>(groups);
    c.num_labels = groups > 0 ? static_cast<int64_t>(example.size()) / groups : 0;
  } else {
    try {
      c.num_labels = static_cast<int64_t>(file.ReadStrings("/labels").size());
    } catch (const std::exception&) {
      c.num_labels = 0;
    }
  }
  c.note = fmt::format("{} features, {} tokens in the cached artifact", c.lengths.size(), c.tokens);
  return c;
}

struct ExampleCount {
  EstimateSource source = EstimateSource::kUnknown;
  double examples = 0;
  std::string format;
  std::string note;
};

// The examples a node makes, from what the pipeline declares.
ExampleCount CountExamples(const LineageMap& nodes, const LineageNode& node) {
  ExampleCount c;
  const int64_t limit = node.params.value("limit", int64_t{0});
  if (node.type == "dataset") {
    c.format = node.params.value("format", "");
    const int64_t expected = node.params.value("expected_examples", int64_t{0});
    if (expected > 0) {
      c = {EstimateSource::kDeclared, static_cast<double>(expected), c.format, node.name + ": expected_examples"};
    } else if (limit > 0) {
      // The limit holds per file read: one per language with {lang} in the path.
      const bool per_language = node.params.value("path", "").find("{lang}") != std::string::npos;
      const size_t files = per_language ? std::max<size_t>(node.params.value("languages", nlohmann::json::array()).size(), 1) : 1;
      c = {EstimateSource::kDeclared, static_cast<double>(limit * static_cast<int64_t>(files)), c.format,
           node.name + ": limit (at most)"};
    } else {
      c.note = node.name + ": no expected_examples declared";
    }
    return c;
  }
  if (node.type == "gettext_corpus") {
    c.format = "gettext";
    c.note = node.name + ": size known only once it has run";
    return c;
  }
  auto in = node.inputs.find("examples");
  if (node.type != "select_examples" || in == node.inputs.end() || in->second.empty()) {
    c.note = node.name + ": a " + node.type + " node's size is not declared";
    return c;
  }
  const int64_t expected = node.params.value("expected_examples", int64_t{0});
  const int64_t every = node.params.value("every", int64_t{1});
  c = CountExamples(nodes, LineageAt(nodes, in->second.front()));
  if (every > 1 && c.source != EstimateSource::kUnknown) {
    c.examples = std::ceil(c.examples / static_cast<double>(every));
    c.note += "; every " + std::to_string(every) + "th";
  }
  if (expected > 0) {
    c.source = EstimateSource::kDeclared;
    c.examples = static_cast<double>(expected);
    c.note = node.name + ": expected_examples";
  } else if (limit > 0 && (c.source == EstimateSource::kUnknown || c.examples > static_cast<double>(limit))) {
    c.source = EstimateSource::kDeclared;
    c.examples = static_cast<double>(limit);
    c.note = node.name + ": limit (at most)";
  } else if (c.source != EstimateSource::kUnknown) {
    c.source = EstimateWeaker(c.source, EstimateSource::kAssumed);
    c.note += "; " + node.name + " assumed to keep them all";
  }
  return c;
}

TokenCounts DeclaredCounts(const LineageMap& nodes, const LineageNode& node) {
  TokenCounts c;
  c.max_length = node.params.value("max_length", int64_t{128});
  auto in = node.inputs.find("examples");
  if (in == node.inputs.end() || in->second.empty()) return c;
  const ExampleCount examples = CountExamples(nodes, LineageAt(nodes, in->second.front()));
  c.note = examples.note;
  const DatasetFormat* format = FindDatasetFormat(examples.format);
  if (format) c.head_kind = HeadKindOfTask(TaskTypeName(format->task));
  if (examples.source == EstimateSource::kUnknown) return c;
  const ExampleLength length = AssumedExampleLength(examples.format);
  const double per_feature = std::min(length.tokens_per_feature, static_cast<double>(c.max_length));
  c.source = EstimateWeaker(examples.source, EstimateSource::kAssumed);
  c.rows = examples.examples;
  c.tokens = examples.examples * length.choices * per_feature;
  c.longest = c.max_length;
  if (length.choices > 1) c.num_labels = length.choices;
  c.note += fmt::format("; {:.0f} tokens per feature assumed for format '{}'", per_feature, examples.format);
  return c;
}

}  // namespace

TokenCounts CountTokens(const LineageMap& nodes, const LineageNode& node) {
  if (node.type != "tokenize") {
    TokenCounts c;
    c.note = node.name + " is not a tokenize node";
    return c;
  }
  const std::filesystem::path artifact = node.entry_dir / "tokens.h5";
  if (!node.record.is_null() && std::filesystem::exists(artifact)) {
    try {
      return MeasuredCounts(artifact);
    } catch (const std::exception& e) {
      TokenCounts c = DeclaredCounts(nodes, node);
      c.note += std::string("; the cached artifact could not be read: ") + e.what();
      return c;
    }
  }
  return DeclaredCounts(nodes, node);
}

}  // namespace xstilts
