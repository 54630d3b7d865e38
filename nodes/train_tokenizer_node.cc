// train_tokenizer: trains a sentencepiece model on the text of examples artifacts, sampling
// sentences per language with XLM-R's temperature exponent (tokenizer/spm_trainer.h), and
// writes it as a "tokenizer" artifact (tokenizer/tokenizer_artifact.h).
#include <algorithm>
#include <mutex>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "graph/registry.h"
#include "tokenizer/spm_trainer.h"
#include "tokenizer/tokenizer_artifact.h"

namespace xstilts {
namespace {

const std::vector<std::string> kFields = {"text_a", "text_b", "context", "question", "choices", "tokens"};

// Collects the training sentences: each non-empty text of the chosen fields, once per language
// (QA contexts repeat once per question, gettext strings once per domain), in artifact order.
class SentenceCollector {
 public:
  explicit SentenceCollector(const std::set<std::string>& fields) : fields_(fields) {}

  void Add(const Examples& examples) {
    const ParallelSentences& p = examples.parallel;
    for (const std::string& text : p.source_texts) Push(p.source_language, text);
    for (const std::string& text : p.target_texts) Push(p.target_language, text);
    for (const Example& e : examples.examples) {
      if (Uses("text_a")) Push(e.language, e.text_a);
      if (Uses("text_b")) Push(e.language, e.text_b);
      if (Uses("context")) Push(e.language, e.context);
      if (Uses("question")) Push(e.language, e.question);
      if (Uses("choices")) {
        for (const std::string& choice : e.choices) Push(e.language, choice);
      }
      if (Uses("tokens") && !e.tokens.empty()) {
        std::string joined = e.tokens[0];
        for (size_t i = 1; i < e.tokens.size(); ++i) joined += " " + e.tokens[i];
        Push(e.language, joined);
      }
    }
  }

  // The sentences with repeats of a (language, text) removed, first occurrences in order. Sorting
  // indices costs 8 bytes a sentence where a hash set of the texts would copy them.
  std::vector<LanguageSentence> TakeDistinct() {
    std::vector<size_t> order(sentences_.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    const auto key = [&](size_t i) { return std::tie(sentences_[i].language, sentences_[i].text); };
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
    std::vector<bool> keep(sentences_.size(), false);
    for (size_t k = 0; k < order.size(); ++k) keep[order[k]] = k == 0 || key(order[k]) != key(order[k - 1]);
    std::vector<LanguageSentence> distinct;
    for (size_t i = 0; i < sentences_.size(); ++i) {
      if (keep[i]) distinct.push_back(std::move(sentences_[i]));
    }
    sentences_.clear();
    return distinct;
  }

 private:
  bool Uses(const char* field) const { return fields_.count(field) > 0; }
  void Push(const std::string& language, const std::string& text) {
    if (!text.empty()) sentences_.push_back({language, text});
  }

  std::set<std::string> fields_;
  std::vector<LanguageSentence> sentences_;
};

struct TrainParams {
  SpmTrainOptions options;
  std::set<std::string> fields;
  IdLayout layout = IdLayout::kFairseq;
};

TrainParams ParseParams(const nlohmann::json& params) {
  TrainParams p;
  std::vector<std::string> problems;
  p.options.model_type = params["model_type"].get<std::string>() == "bpe" ? SpmModelType::kBpe : SpmModelType::kUnigram;
  p.options.vocab_size = params["vocab_size"].get<int>();
  p.options.character_coverage = params["character_coverage"].get<double>();
  p.options.sampling_alpha = params["sampling_alpha"].get<double>();
  const int64_t max_sentences = params["max_sentences"].get<int64_t>();
  if (max_sentences < 0) problems.push_back(fmt::format("param 'max_sentences': expected 0 (all) or more, got {}", max_sentences));
  p.options.sample_size = static_cast<size_t>(std::max<int64_t>(max_sentences, 0));
  p.options.seed = static_cast<uint64_t>(params["seed"].get<int64_t>());
  p.options.num_threads = params["trainer_threads"].get<int>();
  if (p.options.num_threads < 1) {
    problems.push_back(fmt::format("param 'trainer_threads': expected at least 1, got {}", p.options.num_threads));
  }
  p.options.max_sentence_length = params["max_sentence_length"].get<int>();
  for (const std::string& field : params["fields"].get<std::vector<std::string>>()) {
    if (std::find(kFields.begin(), kFields.end(), field) == kFields.end()) {
      problems.push_back(fmt::format("param 'fields': unknown field '{}'; fields are {}", field,
                                     fmt::join(kFields, ", ")));
    }
    p.fields.insert(field);
  }
  const auto layout = ParseIdLayout(params["id_layout"].get<std::string>());
  if (layout) p.layout = *layout;
  if (!problems.empty()) throw InputError(fmt::format("{}", fmt::join(problems, "; ")));
  return p;
}

void RunTrainTokenizer(NodeContext& ctx) {
  TrainParams p = ParseParams(ctx.params());
  SentenceCollector collector(p.fields);
  const auto inputs = ctx.inputs("corpus");
  for (size_t i = 0; i < inputs.size(); ++i) {
    ctx.Progress(-1, fmt::format("reading corpus {}/{}", i + 1, inputs.size()));
    collector.Add(ReadExamples(inputs[i]));
    if (ctx.cancelled()) return;
  }
  const std::vector<LanguageSentence> sentences = collector.TakeDistinct();
  if (sentences.empty()) throw InputError("the corpus has no text in the fields " + fmt::format("{}", fmt::join(p.fields, ", ")));
  ctx.Progress(-1, fmt::format("training on a sample of {} distinct sentences", sentences.size()));

  // sentencepiece keeps its log level in a global: one training at a time per process.
  static std::mutex training;
  Result<SpmTrainResult> trained = [&] {
    std::lock_guard<std::mutex> lock(training);
    return TrainSentencePiece(sentences, p.options);
  }();
  if (!trained.ok()) {
    if (trained.status().kind() == ErrorKind::kInvalidInput || trained.status().kind() == ErrorKind::kFailed) {
      throw InputError(trained.status().message());
    }
    throw std::runtime_error(trained.status().message());
  }
  std::string quotas;
  for (const LanguageQuota& q : trained->sample) {
    quotas += fmt::format("{}{} {}/{}", quotas.empty() ? "" : ", ", q.language, q.quota, q.available);
  }
  ctx.Log(fmt::format("{} distinct sentences; sampled per language (sampled/available): {}", sentences.size(), quotas));

  TokenizerArtifact artifact;
  artifact.model_proto = std::move(trained->model_proto);
  artifact.id_layout = p.layout;
  artifact.model_type = p.options.model_type == SpmModelType::kBpe ? "bpe" : "unigram";
  artifact.sample = trained->sample;
  WriteTokenizerArtifact(artifact, ctx.output("tokenizer"), "trained model");
  ctx.Progress(1.0, fmt::format("{} pieces", p.options.vocab_size));
}

NodeType MakeTrainTokenizerNodeType() {
  NodeType t;
  t.name = "train_tokenizer";
  t.summary = "Trains a sentencepiece model on examples, sampling sentences per language as XLM-R did.";
  t.example = R"(spm:
  type: train_tokenizer
  inputs: {corpus: [messages, xnli_train]}
  params: {model_type: unigram, vocab_size: 8000, sampling_alpha: 0.3, max_sentences: 200000})";
  t.version = 1;
  t.inputs = {PortSpec{"corpus", kExamplesArtifactKind,
                       "examples whose text to train on (parallel sentences: both sides)", false, true}};
  t.outputs = {PortSpec{"tokenizer", kTokenizerArtifactKind,
                        "the trained model, id layout, vocabulary size and special ids (docs/artifacts.md, tokenizer)"}};
  t.params = {
      ParamSpec{"model_type", ParamType::kString, "unigram", "sentencepiece model type", {"unigram", "bpe"}},
      ParamSpec{"vocab_size", ParamType::kInt, 8000, "pieces in the model, <unk> <s> </s> included"}.AtLeast(4),
      ParamSpec{"character_coverage", ParamType::kFloat, 0.9995,
                "share of characters covered; the rarest others become <unk> (1.0 for small alphabets)"},
      ParamSpec{"sampling_alpha", ParamType::kFloat, 0.3,
                "language l gets a share n_l^alpha / sum n^alpha of the sample (XLM-R: 0.3; 1 = as in the data)"},
      ParamSpec{"max_sentences", ParamType::kInt, 0, "sentences in the sample (repeats allowed); 0 = as many as there are"}
          .AtLeast(0),
      ParamSpec{"seed", ParamType::kInt, 0, "seed of the sample"},
      ParamSpec{"fields", ParamType::kStringList, kFields,
                "example fields whose text is used: text_a, text_b, context, question, choices, tokens (a tagging "
                "example's words joined by spaces)"},
      ParamSpec{"id_layout", ParamType::kString, "fairseq",
                "fairseq: XLM-R / Hugging Face ids (<s>=0, <pad>=1, </s>=2, <unk>=3, <mask> last); spm: "
                "sentencepiece's own",
                {"fairseq", "spm"}},
      ParamSpec{"trainer_threads", ParamType::kInt, 1,
                "threads of sentencepiece's trainer; part of the key because a unigram model depends on it"},
      ParamSpec{"max_sentence_length", ParamType::kInt, 4192, "sentences longer than this many bytes are skipped"}
          .AtLeast(1),
  };
  t.resources.threads = 1;
  t.run = RunTrainTokenizer;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeTrainTokenizerNodeType);

}  // namespace xstilts
