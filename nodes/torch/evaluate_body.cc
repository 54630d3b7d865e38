// The body of evaluate (descriptor: nodes/evaluate_node.cc): zero-shot evaluation per language
// with XTREME's scoring.
#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <limits>
#include <map>
#include <optional>
#include <set>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/h5_file.h"
#include "data/metrics_table.h"
#include "data/token_dataset.h"
#include "eval/metrics_accuracy.h"
#include "eval/metrics_qa.h"
#include "eval/metrics_seqeval.h"
#include "nodes/evaluation/eval_decoding.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/torch_node_bodies.h"

namespace xstilts {
namespace {

// Features [first, first + n) padded to the longest of them.
Batch FeatureRows(const TokenFeatures& f, size_t first, size_t n, int64_t pad) {
  int64_t length = 0;
  for (size_t i = first; i < first + n; ++i) length = std::max(length, f.Length(i));
  Batch b;
  b.input_ids = torch::full({static_cast<int64_t>(n), length}, pad, torch::kLong);
  b.attention_mask = torch::zeros({static_cast<int64_t>(n), length}, torch::kLong);
  auto ids = b.input_ids.accessor<int64_t, 2>();
  auto mask = b.attention_mask.accessor<int64_t, 2>();
  for (size_t r = 0; r < n; ++r) {
    const int64_t begin = f.offsets[first + r];
    for (int64_t t = 0; t < f.Length(first + r); ++t) {
      ids[r][t] = f.input_ids[begin + t];
      mask[r][t] = 1;
    }
  }
  return b;
}

struct Prediction {
  std::string example_id, language, text;
};

struct Evaluated {
  std::vector<Prediction> predictions;
  MetricsTable metrics;
};

class Evaluator {
 public:
  Evaluator(NodeContext& ctx, TaskModelImpl& model, const std::string& task, torch::Device device)
      : ctx_(ctx), model_(model), task_(task), device_(device) {
    const nlohmann::json& p = ctx.params();
    batch_size_ = p["batch_size"].get<int64_t>();
    max_answer_length_ = p["max_answer_length"].get<int64_t>();
    n_best_ = p["n_best"].get<int64_t>();
    if (batch_size_ <= 0) throw InputError("batch_size: must be positive");
    const std::string seqeval = p["seqeval"].get<std::string>();
    const std::optional<SeqevalVersion> version = ParseSeqevalVersion(seqeval);
    if (!version) throw InputError("seqeval: unknown release '" + seqeval + "'");
    seqeval_ = *version;
    examples_.reserve(ctx.inputs("examples").size());  // by_id_ points into it
    for (const auto& path : ctx.inputs("examples")) {
      examples_.push_back(ReadExamples(path));
      for (const Example& e : examples_.back().examples) by_id_[{e.language, e.id}] = &e;
    }
  }

  // The next Add() covers the part [start, start + share) of the whole evaluation (by bytes of the
  // tokens artifacts), so progress and ETA span all inputs.
  void SetShare(double start, double share) {
    share_start_ = start;
    share_ = share;
  }

  // Adds the predictions of one tokens artifact; gold per language goes to the score lists.
  void Add(const TokenDataset& tokens, const std::string& source) {
    const TokenFeatures& f = tokens.features;
    if (f.size() == 0) throw InputError(source + ": the tokens artifact has no features");
    if (task_type_set_ && tokens.info.task != task_type_) {
      throw InputError(source + ": task " + TaskTypeName(tokens.info.task) + ", the first tokens input is " + TaskTypeName(task_type_));
    }
    task_type_ = tokens.info.task;
    task_type_set_ = true;
    format_ = tokens.info.format;
    labels_ = tokens.info.labels;
    if (!labels_.empty()) chance_ = 100.0 / static_cast<double>(labels_.size());
    const int64_t pad = tokens.info.pad_id >= 0 ? tokens.info.pad_id : 1;
    torch::NoGradGuard no_grad;
    if (tokens.info.task == TaskType::kMultipleChoice) return AddChoices(tokens, pad);
    for (size_t first = 0; first < f.size(); first += static_cast<size_t>(batch_size_)) {
      if (ctx_.cancelled()) throw std::runtime_error("cancelled");
      const size_t n = std::min(f.size() - first, static_cast<size_t>(batch_size_));
      Batch b = FeatureRows(f, first, n, pad);
      b.task = task_;
      TaskOutput out = model_.forward(b.To(device_));
      switch (tokens.info.task) {
        case TaskType::kPairClassification:
        case TaskType::kSentenceClassification: {
          const torch::Tensor arg = out.logits.argmax(1).to(torch::kCPU);
          for (size_t r = 0; r < n; ++r) {
            const size_t i = first + r;
            AddClass(tokens, f.example_index[i], arg[r].item<int64_t>(), f.label[i]);
          }
          break;
        }
        case TaskType::kTagging: {
          const torch::Tensor arg = out.logits.argmax(2).to(torch::kCPU, torch::kInt);
          for (size_t r = 0; r < n; ++r) {
            const size_t i = first + r;
            const int64_t begin = f.offsets[i], len = f.Length(i);
            std::vector<int32_t> words(f.word_index.begin() + begin, f.word_index.begin() + begin + len);
            std::vector<int32_t> predicted(static_cast<size_t>(len)), gold(static_cast<size_t>(len));
            for (int64_t t = 0; t < len; ++t) predicted[t] = arg[r][t].item<int32_t>();
            TagState& state = tags_[Seen({tokens.language[f.example_index[i]], tokens.example_id[f.example_index[i]]})];
            for (const auto& [w, l] : FirstSubTokenLabels(words, predicted)) state.predicted.emplace(w, l);
            std::vector<int32_t> gold_labels(f.token_labels.begin() + begin, f.token_labels.begin() + begin + len);
            for (const auto& [w, l] : FirstSubTokenLabels(words, gold_labels)) state.gold.emplace(w, l);
          }
          break;
        }
        case TaskType::kSpanQa: {
          const torch::Tensor start = out.start_logits.to(torch::kCPU, torch::kFloat).contiguous();
          const torch::Tensor end = out.end_logits.to(torch::kCPU, torch::kFloat).contiguous();
          for (size_t r = 0; r < n; ++r) {
            const size_t i = first + r;
            const int64_t begin = f.offsets[i], len = f.Length(i);
            QaWindow w;
            w.start_logits.assign(start[r].data_ptr<float>(), start[r].data_ptr<float>() + len);
            w.end_logits.assign(end[r].data_ptr<float>(), end[r].data_ptr<float>() + len);
            w.char_start.assign(f.context_char_start.begin() + begin, f.context_char_start.begin() + begin + len);
            w.char_end.assign(f.context_char_end.begin() + begin, f.context_char_end.begin() + begin + len);
            windows_[Seen({tokens.language[f.example_index[i]], tokens.example_id[f.example_index[i]]})].push_back(std::move(w));
          }
          break;
        }
        default:
          throw InputError(source + ": task " + TaskTypeName(tokens.info.task) + " cannot be evaluated by evaluate (use retrieve)");
      }
      examples_done_ += static_cast<int64_t>(n);
      ReportProgress(static_cast<double>(first + n) / static_cast<double>(f.size()));
    }
  }

  Evaluated Finish() {
    Evaluated out;
    out.metrics.task = task_;
    switch (task_type_) {
      case TaskType::kPairClassification:
      case TaskType::kSentenceClassification:
      case TaskType::kMultipleChoice: FinishAccuracy(out); break;
      case TaskType::kTagging: FinishTagging(out); break;
      case TaskType::kSpanQa: FinishQa(out); break;
      default: break;
    }
    return out;
  }

 private:
  struct TagState {
    std::map<int32_t, int32_t> predicted, gold;
  };
  struct ClassState {
    std::vector<std::string> gold, predicted;
  };

  // `key` (language, example id), noting the order in which examples first appear: predictions
  // keep the order of the test files (XTREME's submission files are line by line).
  std::pair<std::string, std::string> Seen(std::pair<std::string, std::string> key) {
    if (seen_.insert(key).second) order_.push_back(key);
    return key;
  }

  void NoteLanguage(const std::string& language) {
    if (std::find(language_order_.begin(), language_order_.end(), language) == language_order_.end()) {
      language_order_.push_back(language);
    }
  }

  void AddClass(const TokenDataset& tokens, int64_t example, int64_t predicted, int32_t gold) {
    const std::string& language = tokens.language[example];
    NoteLanguage(language);
    const std::string text = predicted < static_cast<int64_t>(labels_.size()) ? labels_[predicted] : std::to_string(predicted);
    predictions_.push_back({tokens.example_id[example], language, text});
    if (gold >= 0) {
      classes_[language].gold.push_back(gold < static_cast<int32_t>(labels_.size()) ? labels_[gold] : std::to_string(gold));
      classes_[language].predicted.push_back(text);
    }
  }

  void AddChoices(const TokenDataset& tokens, int64_t pad) {
    const TokenFeatures& f = tokens.features;
    std::vector<std::pair<size_t, size_t>> groups;  // first feature, count
    for (size_t i = 0; i < f.size(); ++i) {
      if (groups.empty() || f.example_index[i] != f.example_index[groups.back().first]) groups.push_back({i, 0});
      ++groups.back().second;
    }
    const size_t choices = groups.front().second;
    chance_ = 100.0 / static_cast<double>(choices);
    for (size_t g0 = 0; g0 < groups.size(); g0 += static_cast<size_t>(batch_size_)) {
      const size_t n = std::min(groups.size() - g0, static_cast<size_t>(batch_size_));
      for (size_t g = g0; g < g0 + n; ++g) {
        if (groups[g].second != choices) throw InputError("multiple choice: examples with different numbers of choices");
      }
      Batch b = FeatureRows(f, groups[g0].first, n * choices, pad);
      const int64_t length = b.input_ids.size(1);
      b.input_ids = b.input_ids.view({static_cast<int64_t>(n), static_cast<int64_t>(choices), length});
      b.attention_mask = b.attention_mask.view({static_cast<int64_t>(n), static_cast<int64_t>(choices), length});
      b.task = task_;
      const torch::Tensor arg = model_.forward(b.To(device_)).logits.argmax(1).to(torch::kCPU);
      for (size_t r = 0; r < n; ++r) {
        const size_t first = groups[g0 + r].first;
        AddClass(tokens, f.example_index[first], arg[r].item<int64_t>(), f.label[first]);
      }
      examples_done_ += static_cast<int64_t>(n);
      ReportProgress(static_cast<double>(g0 + n) / static_cast<double>(groups.size()));
    }
  }


  void FinishAccuracy(Evaluated& out) {
    out.predictions = predictions_;
    out.metrics.metric_names = {"accuracy"};
    out.metrics.chance = chance_;
    std::sort(language_order_.begin(), language_order_.end());
    for (const std::string& language : language_order_) {
      const ClassState& s = classes_[language];
      if (s.gold.empty()) {
        Unlabelled(language);
        continue;
      }
      out.metrics.AddRow(language, {Accuracy(s.gold, s.predicted).accuracy});
    }
  }

  void FinishTagging(Evaluated& out) {
    std::map<std::string, std::pair<std::vector<std::vector<std::string>>, std::vector<std::vector<std::string>>>> by_language;
    for (const auto& key : order_) {
      const TagState& state = tags_.at(key);
      const auto& [language, id] = key;
      NoteLanguage(language);
      std::vector<std::string> gold;
      int64_t words = 0;
      if (!examples_.empty()) {
        auto it = by_id_.find(key);
        if (it == by_id_.end()) throw InputError(fmt::format("examples: no example '{}' of language {}", id, language));
        gold = it->second->tags;
        words = static_cast<int64_t>(it->second->tokens.size());
      } else {
        words = state.gold.empty() ? 0 : state.gold.rbegin()->first + 1;
        gold = WordTags(state.gold, words, labels_);
      }
      std::vector<std::string> predicted = WordTags(state.predicted, words, labels_);
      std::string joined;
      for (const std::string& t : predicted) joined += (joined.empty() ? "" : " ") + t;
      out.predictions.push_back({id, language, joined});
      if (gold.size() == predicted.size() && !gold.empty()) {
        by_language[language].first.push_back(gold);
        by_language[language].second.push_back(predicted);
      }
    }
    out.metrics.metric_names = {"f1", "precision", "recall"};
    out.metrics.seqeval = SeqevalVersionName(seqeval_);
    std::sort(language_order_.begin(), language_order_.end());
    for (const std::string& language : language_order_) {
      const auto& [gold, predicted] = by_language[language];
      if (gold.empty()) {
        Unlabelled(language);
        continue;
      }
      const PrfScore s = SeqevalPrf(gold, predicted, seqeval_);
      out.metrics.AddRow(language, {s.f1, s.precision, s.recall});
    }
  }

  void FinishQa(Evaluated& out) {
    if (examples_.empty()) throw InputError("examples: span QA needs the examples input (contexts and gold answers)");
    std::map<std::string, std::pair<std::vector<QaQuestion>, std::map<std::string, std::string>>> by_language;
    for (const auto& key : order_) {
      const std::vector<QaWindow>& windows = windows_.at(key);
      const auto& [language, id] = key;
      NoteLanguage(language);
      auto it = by_id_.find(key);
      if (it == by_id_.end()) throw InputError(fmt::format("examples: no example '{}' of language {}", id, language));
      const QaSpan span = DecodeQaSpan(windows, it->second->context, n_best_, max_answer_length_);
      out.predictions.push_back({id, language, span.text});
      QaQuestion q{id, {}};
      for (const Answer& a : it->second->answers) q.answers.push_back(a.text);
      if (q.answers.empty()) continue;
      by_language[language].first.push_back(std::move(q));
      by_language[language].second[id] = span.text;
    }
    out.metrics.metric_names = {"f1", "exact_match"};
    std::sort(language_order_.begin(), language_order_.end());
    for (const std::string& language : language_order_) {
      const auto& [gold, predicted] = by_language[language];
      if (gold.empty()) {
        Unlabelled(language);
        continue;
      }
      const bool mlqa = format_ == "mlqa" && AnswerNormalizer::IsMlqaLanguage(language);
      const QaScore s = ScoreQa(gold, predicted, mlqa ? AnswerNormalizer::Mlqa(language) : AnswerNormalizer::Squad());
      out.metrics.AddRow(language, {s.f1, s.exact_match});
    }
  }

  // A test set without gold (XTREME's test files): its predictions are kept, it has no metrics row.
  void Unlabelled(const std::string& language) { ctx_.Log("language " + language + ": no gold labels, predictions only"); }

  void ReportProgress(double within) {
    ctx_.Progress(std::min(1.0, share_start_ + share_ * within), fmt::format("{} features", examples_done_));
  }

  NodeContext& ctx_;
  double share_start_ = 0, share_ = 1;
  TaskModelImpl& model_;
  std::string task_;
  torch::Device device_;
  int64_t batch_size_ = 32, max_answer_length_ = 30, n_best_ = 20, examples_done_ = 0;
  SeqevalVersion seqeval_ = kXtremeSeqevalVersion;
  std::vector<Examples> examples_;
  std::map<std::pair<std::string, std::string>, const Example*> by_id_;
  TaskType task_type_ = TaskType::kPairClassification;
  bool task_type_set_ = false;
  std::string format_;
  std::vector<std::string> labels_;
  double chance_ = std::numeric_limits<double>::quiet_NaN();  // accuracy of a uniform guess, percent
  std::vector<std::string> language_order_;
  std::vector<Prediction> predictions_;
  std::map<std::string, ClassState> classes_;
  std::vector<std::pair<std::string, std::string>> order_;  // tagged and QA examples, as they came
  std::set<std::pair<std::string, std::string>> seen_;
  std::map<std::pair<std::string, std::string>, TagState> tags_;
  std::map<std::pair<std::string, std::string>, std::vector<QaWindow>> windows_;
};

void WritePredictions(const Evaluated& e, TaskType type, const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string("predictions"));
  file.SetAttribute("/", "task", e.metrics.task);
  file.SetAttribute("/", "task_type", std::string(TaskTypeName(type)));
  std::vector<std::string> ids, languages, texts;
  for (const Prediction& p : e.predictions) {
    ids.push_back(p.example_id);
    languages.push_back(p.language);
    texts.push_back(p.text);
  }
  file.WriteStrings("/example_id", ids);
  file.WriteStrings("/language", languages);
  file.WriteStrings("/prediction", texts);
}

void RunEvaluate(NodeContext& ctx) {
  const nlohmann::json& p = ctx.params();
  torch::set_num_threads(std::max(ctx.threads(), 1));
  ModelArtifact artifact;
  TaskModel model = LoadModelForInference(ctx.input("model"), p["device"].get<std::string>(), &artifact);
  const torch::Device device = NodeDevice(p["device"].get<std::string>());

  const std::vector<std::filesystem::path> paths = ctx.inputs("tokens");
  std::string task = p["task"].get<std::string>();
  TaskType type = TaskType::kPairClassification;
  std::unique_ptr<Evaluator> evaluator;
  int64_t tokens_seen = 0;
  double total_bytes = 0, done_bytes = 0;
  for (const auto& path : paths) total_bytes += static_cast<double>(std::filesystem::file_size(path));
  for (const auto& path : paths) {
    const TokenDataset tokens = ReadTokenDataset(path);
    if (!evaluator) {
      if (task.empty()) task = tokens.info.format.empty() ? TaskTypeName(tokens.info.task) : tokens.info.format;
      bool found = false;
      for (const TaskSpec& s : model->tasks()) found = found || s.name == task;
      if (!found) {
        std::string have;
        for (const TaskSpec& s : model->tasks()) have += (have.empty() ? "" : ", ") + s.name;
        throw InputError(fmt::format("{}: the model has no head '{}' (heads: {}); set task", ctx.input("model").string(), task, have));
      }
      evaluator = std::make_unique<Evaluator>(ctx, *model, task, device);
    }
    for (int32_t id : tokens.features.input_ids) {
      if (id < 0 || id >= artifact.config.vocab_size) {
        throw InputError(fmt::format("{}: token id {} is outside the model's vocabulary ({} ids)", path.string(), id, artifact.config.vocab_size));
      }
    }
    type = tokens.info.task;
    tokens_seen += static_cast<int64_t>(tokens.features.num_tokens());
    const double bytes = static_cast<double>(std::filesystem::file_size(path));
    evaluator->SetShare(done_bytes / total_bytes, bytes / total_bytes);
    evaluator->Add(tokens, path.string());
    done_bytes += bytes;
  }
  const Evaluated result = evaluator->Finish();
  for (size_t r = 0; r < result.metrics.rows.size(); ++r) {
    std::string line = result.metrics.languages[r];
    for (size_t m = 0; m < result.metrics.metric_names.size(); ++m) {
      line += fmt::format(" {} {:.2f}", result.metrics.metric_names[m], result.metrics.rows[r][m]);
    }
    ctx.Log(line);
  }
  if (!result.metrics.seqeval.empty()) ctx.Log("entities chunked as seqeval " + result.metrics.seqeval + " does");
  WritePredictions(result, type, ctx.output("predictions"));
  WriteMetricsArtifact(result.metrics, ctx.output("metrics"));
  WriteMetricsJson(result.metrics, ctx.run_dir(), ctx.node_name());
  const int64_t parameters = ParameterCount(*model);
  NodeCost& cost = ctx.cost();
  cost.tokens = static_cast<double>(tokens_seen);
  cost.parameters = static_cast<double>(parameters);
  cost.flops = EncoderFlops(artifact.config, parameters, cost.tokens, kInferenceFlopsSequenceLength, false);
  cost.device = device.str();
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("evaluate", RunEvaluate);

}  // namespace xstilts
