#include "nodes/torch/token_batches.h"

#include <algorithm>

#include "base/input_error.h"
#include "model/mlm_masking.h"

namespace xstilts {
namespace {

void CheckIds(const TokenDataset& tokens, int64_t vocab_size, const std::string& source) {
  for (int32_t id : tokens.features.input_ids) {
    if (id < 0 || id >= vocab_size) {
      throw InputError(source + ": token id " + std::to_string(id) + " is outside the model's vocabulary (" +
                       std::to_string(vocab_size) + " ids); was it tokenized with the model's tokenizer?");
    }
  }
}

// Rows [count, length] of the given features, padded with pad_id; per-token values from `column`
// (input_ids when null) padded with `fill`.
torch::Tensor PadRows(const TokenFeatures& f, const std::vector<size_t>& features, int64_t length,
                      const std::vector<int32_t>& column, int64_t fill) {
  torch::Tensor out = torch::full({static_cast<int64_t>(features.size()), length}, fill, torch::kLong);
  auto a = out.accessor<int64_t, 2>();
  for (size_t r = 0; r < features.size(); ++r) {
    const int64_t begin = f.offsets[features[r]];
    const int64_t n = f.Length(features[r]);
    for (int64_t t = 0; t < n; ++t) a[r][t] = column[begin + t];
  }
  return out;
}

torch::Tensor MaskOf(const TokenFeatures& f, const std::vector<size_t>& features, int64_t length) {
  torch::Tensor out = torch::zeros({static_cast<int64_t>(features.size()), length}, torch::kLong);
  for (size_t r = 0; r < features.size(); ++r) out[r].slice(0, 0, f.Length(features[r])).fill_(1);
  return out;
}

torch::Tensor PerFeature(const std::vector<int32_t>& column, const std::vector<size_t>& features,
                         const std::string& what, const std::string& source) {
  torch::Tensor out = torch::empty({static_cast<int64_t>(features.size())}, torch::kLong);
  auto a = out.accessor<int64_t, 1>();
  for (size_t r = 0; r < features.size(); ++r) {
    const int32_t v = column[features[r]];
    if (v < 0) throw InputError(source + ": feature " + std::to_string(features[r]) + " has no " + what + " (unlabelled data cannot train)");
    a[r] = v;
  }
  return out;
}

}  // namespace

TaskData TaskDataFromTokens(const TokenDataset& tokens, const std::string& task_name, int64_t vocab_size,
                            const std::string& source) {
  const TokenFeatures& f = tokens.features;
  if (f.size() == 0) throw InputError(source + ": the tokens artifact has no features");
  CheckIds(tokens, vocab_size, source);
  const int64_t pad = tokens.info.pad_id >= 0 ? tokens.info.pad_id : 1;
  int64_t length = 0;
  for (size_t i = 0; i < f.size(); ++i) length = std::max(length, f.Length(i));
  TaskData data;
  data.spec.name = task_name;
  data.sequence_length = length;
  data.spec.num_labels = static_cast<int64_t>(tokens.info.labels.size());
  data.spec.labels = tokens.info.labels;
  std::vector<size_t> all(f.size());
  for (size_t i = 0; i < all.size(); ++i) all[i] = i;
  Batch& b = data.examples;
  b.task = task_name;
  switch (tokens.info.task) {
    case TaskType::kPairClassification:
    case TaskType::kSentenceClassification:
      data.spec.kind = TaskKind::kSequenceClassification;
      b.input_ids = PadRows(f, all, length, f.input_ids, pad);
      b.attention_mask = MaskOf(f, all, length);
      b.labels = PerFeature(f.label, all, "label", source);
      break;
    case TaskType::kTagging:
      data.spec.kind = TaskKind::kTokenClassification;
      b.input_ids = PadRows(f, all, length, f.input_ids, pad);
      b.attention_mask = MaskOf(f, all, length);
      b.labels = PadRows(f, all, length, f.token_labels, kIgnoreLabel);
      break;
    case TaskType::kSpanQa:
      data.spec.kind = TaskKind::kQuestionAnswering;
      data.spec.num_labels = 2;
      b.input_ids = PadRows(f, all, length, f.input_ids, pad);
      b.attention_mask = MaskOf(f, all, length);
      b.start_positions = PerFeature(f.start_position, all, "start_position", source);
      b.end_positions = PerFeature(f.end_position, all, "end_position", source);
      break;
    case TaskType::kMultipleChoice: {
      data.spec.kind = TaskKind::kMultipleChoice;
      // The features of one example are consecutive, one per choice (docs/artifacts.md).
      std::vector<std::vector<size_t>> groups;
      for (size_t i = 0; i < f.size(); ++i) {
        if (groups.empty() || f.example_index[i] != f.example_index[groups.back().front()]) groups.emplace_back();
        groups.back().push_back(i);
      }
      const size_t choices = groups.front().size();
      std::vector<size_t> firsts;
      for (const auto& g : groups) {
        if (g.size() != choices) {
          throw InputError(source + ": example " + std::to_string(f.example_index[g.front()]) + " has " +
                           std::to_string(g.size()) + " choices, the first has " + std::to_string(choices));
        }
        firsts.push_back(g.front());
      }
      const int64_t e = static_cast<int64_t>(groups.size()), c = static_cast<int64_t>(choices);
      b.input_ids = PadRows(f, all, length, f.input_ids, pad).view({e, c, length});
      b.attention_mask = MaskOf(f, all, length).view({e, c, length});
      b.labels = PerFeature(f.label, firsts, "label", source);
      data.spec.num_labels = c;
      break;
    }
    case TaskType::kParallelSentences:
      throw InputError(source + ": parallel sentences have no training targets (task parallel_sentences)");
  }
  data.rows = b.input_ids.size(0);
  return data;
}

torch::Tensor PackedSequences(const TokenDataset& tokens, int64_t length, int64_t vocab_size, const std::string& source) {
  CheckIds(tokens, vocab_size, source);
  const std::vector<int32_t>& ids = tokens.features.input_ids;
  const int64_t rows = static_cast<int64_t>(ids.size()) / length;
  if (rows == 0) {
    throw InputError(source + ": " + std::to_string(ids.size()) + " tokens do not fill one sequence of " +
                     std::to_string(length));
  }
  torch::Tensor out = torch::empty({rows, length}, torch::kLong);
  int64_t* p = out.data_ptr<int64_t>();
  for (int64_t i = 0; i < rows * length; ++i) p[i] = ids[i];
  return out;
}

MlmCorpus MlmCorpusBatches(const TokenDataset& tokens, const EncoderConfig& config, int64_t length, int64_t batch_size,
                           double mask_probability, uint64_t seed, const std::string& source) {
  if (tokens.info.mask_id < 0) throw InputError(source + ": the tokenizer has no <mask> id (use id_layout: fairseq)");
  if (length <= 0) length = std::min(tokens.info.max_length, config.MaxSequenceLength());
  if (length > config.MaxSequenceLength()) {
    throw InputError(source + ": sequences of " + std::to_string(length) + " tokens are longer than the model's positions allow (" +
                     std::to_string(config.MaxSequenceLength()) + ")");
  }
  if (!(mask_probability > 0 && mask_probability <= 1)) throw InputError("mask_prob: must be in (0, 1]");
  torch::Tensor rows = PackedSequences(tokens, length, config.vocab_size, source);
  // Whole batches only, once there is one: every update sees batch_size full sequences.
  if (rows.size(0) >= batch_size) rows = rows.slice(0, 0, rows.size(0) / batch_size * batch_size);
  MlmMaskingOptions masking;
  masking.mask_probability = mask_probability;
  masking.mask_token_id = tokens.info.mask_id;
  masking.vocab_size = std::min<int64_t>(tokens.info.vocab_size, config.vocab_size);
  masking.special_token_ids.clear();
  for (int64_t id : {tokens.info.bos_id, tokens.info.pad_id, tokens.info.eos_id, tokens.info.unk_id}) {
    if (id >= 0) masking.special_token_ids.push_back(id);
  }
  MlmCorpus corpus;
  corpus.rows = rows.size(0);
  corpus.length = length;
  Batch all;
  all.input_ids = rows;
  corpus.batches = std::make_unique<MlmBatchSource>(std::make_unique<TensorBatchSource>(all, batch_size, true, seed), masking, seed);
  return corpus;
}

std::string DevScoreName(const TaskSpec& spec) {
  if (spec.kind == TaskKind::kSequenceClassification && spec.num_labels == 1) return "negative_mse";
  if (spec.kind == TaskKind::kTokenClassification) return "token_accuracy";
  if (spec.kind == TaskKind::kQuestionAnswering) return "start_end_accuracy";
  return "accuracy";
}

double DevScore(TaskModelImpl& model, const TaskData& dev, int64_t batch_size, const torch::Device& device) {
  const bool was_training = model.is_training();
  model.eval();
  torch::NoGradGuard no_grad;
  double correct = 0, total = 0, squared_error = 0;
  const TaskKind kind = dev.spec.kind;
  const bool regression = kind == TaskKind::kSequenceClassification && dev.spec.num_labels == 1;
  auto slice = [](const torch::Tensor& t, int64_t a, int64_t b) { return t.defined() ? t.slice(0, a, b) : t; };
  for (int64_t first = 0; first < dev.rows; first += batch_size) {
    const int64_t last = std::min(dev.rows, first + batch_size);
    Batch b;
    b.task = dev.spec.name;
    b.input_ids = slice(dev.examples.input_ids, first, last);
    b.attention_mask = slice(dev.examples.attention_mask, first, last);
    b.labels = slice(dev.examples.labels, first, last);
    b.start_positions = slice(dev.examples.start_positions, first, last);
    b.end_positions = slice(dev.examples.end_positions, first, last);
    b = b.To(device);
    TaskOutput out = model.forward(b);
    if (kind == TaskKind::kQuestionAnswering) {
      correct += out.start_logits.argmax(-1).eq(b.start_positions).sum().item<double>();
      correct += out.end_logits.argmax(-1).eq(b.end_positions).sum().item<double>();
      total += 2.0 * static_cast<double>(last - first);
    } else if (regression) {
      squared_error += (out.logits.squeeze(-1).to(torch::kDouble) - b.labels.to(torch::kDouble)).pow(2).sum().item<double>();
      total += static_cast<double>(last - first);
    } else if (kind == TaskKind::kTokenClassification) {
      torch::Tensor labelled = b.labels.ne(kIgnoreLabel);
      correct += out.logits.argmax(-1).eq(b.labels).logical_and(labelled).sum().item<double>();
      total += labelled.sum().item<double>();
    } else {
      correct += out.logits.argmax(-1).eq(b.labels).sum().item<double>();
      total += static_cast<double>(last - first);
    }
  }
  if (was_training) model.train();
  if (total == 0) return 0;
  return regression ? -squared_error / total : correct / total;
}

}  // namespace xstilts
