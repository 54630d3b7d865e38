// tokenize: examples + tokenizer -> tokens (data/token_dataset.h), the model-ready input rows of
// every task. tokenizer/tokenize_features.h says how each task becomes features; the examples are read
// from the artifact in blocks, the work is spread over threads and streamed to the file by
// tokenizer/tokenize_stream.h, so memory does not grow with the corpus.
#include <memory>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/token_dataset.h"
#include "graph/registry.h"
#include "tokenizer/tokenize_features.h"
#include "tokenizer/tokenize_stream.h"
#include "tokenizer/tokenizer_artifact.h"

namespace xstilts {
namespace {

TokenizeOptions ParseOptions(const nlohmann::json& params) {
  TokenizeOptions o;
  o.max_length = params["max_length"].get<int64_t>();
  o.truncation = params["truncation"].get<std::string>() == "only_second" ? Truncation::kOnlySecond
                                                                          : Truncation::kLongestFirst;
  o.doc_stride = params["doc_stride"].get<int64_t>();
  o.max_query_length = params["max_query_length"].get<int64_t>();
  o.label_all_subtokens = params["label_all_subtokens"].get<bool>();
  return o;
}

// The label set ids refer to: the artifact's own, or the one the params give (which must hold
// every label of the artifact, so that a label id means the same in training and evaluation).
std::vector<std::string> LabelSet(const Examples& examples, const std::vector<std::string>& given) {
  if (given.empty()) return examples.labels;
  const bool labelled_task = examples.task == TaskType::kPairClassification ||
                             examples.task == TaskType::kSentenceClassification ||
                             examples.task == TaskType::kTagging;
  if (!labelled_task) {
    throw InputError(fmt::format("param 'labels': a {} artifact takes no label set", TaskTypeName(examples.task)));
  }
  return given;
}

void RunTokenize(NodeContext& ctx) {
  const nlohmann::json& params = ctx.params();
  const TokenizeOptions options = ParseOptions(params);
  const std::shared_ptr<const Tokenizer> tokenizer = LoadTokenizer(ctx.input("tokenizer"));
  const Tokenizer& model = *tokenizer;
  ctx.Progress(-1, "checking the examples");
  const ExamplesReader reader(ctx.input("examples"));
  const Examples& examples = reader.header();  // everything but the examples themselves
  const std::vector<std::string> labels =
      LabelSet(examples, params["labels"].get<std::vector<std::string>>());
  const FeatureBuilder builder(model, examples.task, labels, options);

  std::unique_ptr<TokenDatasetWriter> writer;
  {
    // The writer takes every id and language at once and keeps none of them.
    std::vector<std::string> ids, languages;
    TokenDatasetExampleRows(reader, &ids, &languages);
    writer = std::make_unique<TokenDatasetWriter>(ctx.output("tokens"), MakeTokenDatasetInfo(examples, model, builder),
                                                  ids, languages);
  }
  TokenizeStreamOptions stream;
  stream.threads = ctx.threads();
  stream.cancelled = [&ctx] { return ctx.cancelled(); };
  stream.progress = [&ctx](uint64_t done, uint64_t total) {
    ctx.Progress(total ? static_cast<double>(done) / total : 1.0, fmt::format("{}/{} examples", done, total));
  };
  const TokenizeStats stats = TokenizeExamples(reader, builder, *writer, stream);
  if (stats.cancelled) return;
  writer->Finish();
  ctx.cost().tokens = static_cast<double>(stats.tokens);
  ctx.Log(fmt::format("{} {} -> {} features, {} tokens; {} truncated, {} split over several features",
                      stats.examples, examples.task == TaskType::kParallelSentences ? "sentences" : "examples",
                      stats.features, stats.tokens, stats.counts.truncated, stats.counts.split));
  ctx.Progress(1.0, fmt::format("{} features, {} tokens", stats.features, stats.tokens));
}

NodeType MakeTokenizeNodeType() {
  NodeType t;
  t.name = "tokenize";
  t.summary = "Turns examples into model input rows (token ids and per-task targets) with a tokenizer.";
  t.example = R"(xnli_tokens:
  type: tokenize
  inputs: {examples: xnli_dev, tokenizer: xlmr_spm}
  params: {max_length: 128}
xquad_tokens:
  type: tokenize
  inputs: {examples: xquad_en, tokenizer: xlmr_spm}
  params: {max_length: 384, doc_stride: 128, max_query_length: 64})";
  t.version = 1;
  t.inputs = {PortSpec{"examples", kExamplesArtifactKind, "the examples to tokenize"},
              PortSpec{"tokenizer", "tokenizer", "the tokenizer (sentencepiece or byte-level BPE)"}};
  t.outputs = {PortSpec{"tokens", kTokensArtifactKind,
                        "one row per model input: input_ids and the task's targets (docs/artifacts.md, tokens)"}};
  t.params = {
      ParamSpec{"max_length", ParamType::kInt, 128, "tokens per feature, <s> and </s> included (at least 8)"}
          .AtLeast(8),
      ParamSpec{"truncation", ParamType::kString, "longest_first",
                "pairs longer than max_length: cut the longer segment token by token (longest_first) or the "
                "second segment (only_second)",
                {"longest_first", "only_second"}},
      ParamSpec{"doc_stride", ParamType::kInt, 128,
                "span QA: context tokens between the starts of consecutive windows (at most a window's size)"}
          .AtLeast(1),
      ParamSpec{"max_query_length", ParamType::kInt, 64, "span QA: question tokens kept"}.AtLeast(1),
      ParamSpec{"label_all_subtokens", ParamType::kBool, false,
                "tagging: give every sub-token its word's label, not only the first (others get -100)"},
      ParamSpec{"labels", ParamType::kStringList, nlohmann::json::array(),
                "classification and tagging: the label set that label ids index (default: the examples "
                "artifact's); give the training set's labels when another file's reader derived its own"},
  };
  t.resources.threads = 0;
  t.run = RunTokenize;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeTokenizeNodeType);

}  // namespace xstilts
