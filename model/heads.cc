#include "model/heads.h"

#include <stdexcept>

#include "model/linear_cross_entropy.h"

namespace xstilts {
namespace {

// Mean cross entropy over labels != -100; zero (still attached to the graph) when none remain,
// where Torch's mean reduction would give 0/0.
torch::Tensor CrossEntropy(const torch::Tensor& logits, const torch::Tensor& labels) {
  torch::Tensor flat_logits = logits.reshape({-1, logits.size(-1)});
  torch::Tensor flat_labels = labels.reshape({-1});
  if (!flat_labels.ne(kIgnoreLabel).any().item<bool>()) return flat_logits.sum() * 0.0;
  return torch::nn::functional::cross_entropy(
      flat_logits.to(torch::kFloat), flat_labels,
      torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel));
}

}  // namespace

const char* TaskKindName(TaskKind kind) {
  switch (kind) {
    case TaskKind::kSequenceClassification: return "sequence_classification";
    case TaskKind::kTokenClassification: return "token_classification";
    case TaskKind::kQuestionAnswering: return "question_answering";
    case TaskKind::kMultipleChoice: return "multiple_choice";
    case TaskKind::kMaskedLm: return "masked_lm";
  }
  return "?";
}

SequenceClassificationHeadImpl::SequenceClassificationHeadImpl(int64_t hidden_size, int64_t num_labels,
                                                               double dropout)
    : num_labels_(num_labels), dropout_(dropout) {
  dense = register_module("dense", torch::nn::Linear(hidden_size, hidden_size));
  out_proj = register_module("out_proj", torch::nn::Linear(hidden_size, num_labels));
}

torch::Tensor SequenceClassificationHeadImpl::forward(const torch::Tensor& last_hidden_state) {
  torch::Tensor x = Dropout(last_hidden_state.select(1, 0), dropout_, is_training());
  x = Dropout(torch::tanh(dense(x)), dropout_, is_training());
  return out_proj(x);
}

TaskOutput SequenceClassificationHeadImpl::Run(Encoder& encoder, const Batch& batch) {
  TaskOutput out;
  out.logits = forward(encoder->forward(batch.input_ids, batch.attention_mask, batch.token_type_ids).last_hidden_state);
  if (batch.labels.defined()) {
    out.loss = num_labels_ == 1
                   ? torch::mse_loss(out.logits.squeeze(-1).to(torch::kFloat), batch.labels.to(torch::kFloat))
                   : CrossEntropy(out.logits, batch.labels);
  }
  return out;
}

TokenClassificationHeadImpl::TokenClassificationHeadImpl(int64_t hidden_size, int64_t num_labels, double dropout)
    : dropout_(dropout) {
  classifier = register_module("classifier", torch::nn::Linear(hidden_size, num_labels));
}

torch::Tensor TokenClassificationHeadImpl::forward(const torch::Tensor& last_hidden_state) {
  return classifier(Dropout(last_hidden_state, dropout_, is_training()));
}

TaskOutput TokenClassificationHeadImpl::Run(Encoder& encoder, const Batch& batch) {
  TaskOutput out;
  out.logits = forward(encoder->forward(batch.input_ids, batch.attention_mask, batch.token_type_ids).last_hidden_state);
  if (batch.labels.defined()) out.loss = CrossEntropy(out.logits, batch.labels);
  return out;
}

QuestionAnsweringHeadImpl::QuestionAnsweringHeadImpl(int64_t hidden_size) {
  qa_outputs = register_module("qa_outputs", torch::nn::Linear(hidden_size, 2));
}

TaskOutput QuestionAnsweringHeadImpl::Run(Encoder& encoder, const Batch& batch) {
  TaskOutput out;
  torch::Tensor hidden = encoder->forward(batch.input_ids, batch.attention_mask, batch.token_type_ids).last_hidden_state;
  std::vector<torch::Tensor> split = qa_outputs(hidden).split(1, -1);
  out.start_logits = split[0].squeeze(-1);
  out.end_logits = split[1].squeeze(-1);
  if (batch.start_positions.defined() && batch.end_positions.defined()) {
    const int64_t ignored = out.start_logits.size(1);
    auto options = torch::nn::functional::CrossEntropyFuncOptions().ignore_index(ignored);
    torch::Tensor start = batch.start_positions.clamp(0, ignored);
    torch::Tensor end = batch.end_positions.clamp(0, ignored);
    out.loss = (torch::nn::functional::cross_entropy(out.start_logits.to(torch::kFloat), start, options) +
                torch::nn::functional::cross_entropy(out.end_logits.to(torch::kFloat), end, options)) /
               2.0;
  }
  return out;
}

MultipleChoiceHeadImpl::MultipleChoiceHeadImpl(int64_t hidden_size, double dropout) : dropout_(dropout) {
  dense = register_module("dense", torch::nn::Linear(hidden_size, hidden_size));
  classifier = register_module("classifier", torch::nn::Linear(hidden_size, 1));
}

TaskOutput MultipleChoiceHeadImpl::Run(Encoder& encoder, const Batch& batch) {
  const int64_t batch_size = batch.input_ids.size(0), choices = batch.input_ids.size(1);
  auto flatten = [](const torch::Tensor& t) { return t.defined() ? t.flatten(0, 1) : t; };
  torch::Tensor hidden = encoder->forward(flatten(batch.input_ids), flatten(batch.attention_mask),
                                 flatten(batch.token_type_ids))
                             .last_hidden_state;
  torch::Tensor pooled = torch::tanh(dense(hidden.select(1, 0)));
  TaskOutput out;
  out.logits = classifier(Dropout(pooled, dropout_, is_training())).view({batch_size, choices});
  if (batch.labels.defined()) out.loss = CrossEntropy(out.logits, batch.labels);
  return out;
}

MaskedLmHeadImpl::MaskedLmHeadImpl(const EncoderConfig& config, torch::Tensor word_embedding_weight)
    : decoder_weight(std::move(word_embedding_weight)) {
  dense = register_module("dense", torch::nn::Linear(config.hidden_size, config.hidden_size));
  layer_norm = register_module(
      "layer_norm",
      torch::nn::LayerNorm(torch::nn::LayerNormOptions({config.hidden_size}).eps(config.layer_norm_eps)));
  bias = register_parameter("bias", torch::zeros({config.vocab_size}));
  InitializeLikeHuggingFace(*this, config.initializer_range);
}

torch::Tensor MaskedLmHeadImpl::forward(const torch::Tensor& last_hidden_state) {
  torch::Tensor x = layer_norm(torch::gelu(dense(last_hidden_state)));
  return torch::linear(x, decoder_weight, bias);
}

TaskOutput MaskedLmHeadImpl::Run(Encoder& encoder, const Batch& batch) {
  TaskOutput out;
  torch::Tensor hidden = encoder->forward(batch.input_ids, batch.attention_mask, batch.token_type_ids).last_hidden_state;
  if (!batch.labels.defined()) {
    out.logits = forward(hidden);
    return out;
  }
  torch::Tensor rows = hidden.reshape({-1, hidden.size(-1)});
  torch::Tensor labels = batch.labels.reshape({-1});
  if (logits_for_labels_only) {
    const torch::Tensor labelled = labels.ne(kIgnoreLabel);
    rows = rows.index({labelled});
    labels = labels.masked_select(labelled);
  }
  const torch::Tensor x = layer_norm(torch::gelu(dense(rows)));
  if (torch::GradMode::is_enabled() && CanFuseLinearCrossEntropy(x, decoder_weight)) {
    out.loss = LinearCrossEntropy(x, decoder_weight, bias, labels);
    return out;
  }
  out.logits = torch::linear(x, decoder_weight, bias);
  out.loss = CrossEntropy(out.logits, labels);
  if (!logits_for_labels_only) out.logits = out.logits.view({hidden.size(0), hidden.size(1), -1});
  return out;
}

torch::Tensor MaskedMeanPool(const torch::Tensor& hidden, const torch::Tensor& attention_mask) {
  if (!attention_mask.defined()) return hidden.mean(1);
  torch::Tensor mask = attention_mask.to(hidden.scalar_type()).unsqueeze(-1);
  return (hidden * mask).sum(1) / mask.sum(1).clamp_min(1.0);
}

torch::Tensor SentenceEmbeddings(Encoder& encoder, const torch::Tensor& input_ids,
                                 const torch::Tensor& attention_mask, int64_t layer) {
  const int64_t layers = encoder->config().num_hidden_layers;
  if (layer < 0 || layer > layers) {
    throw std::invalid_argument("SentenceEmbeddings: layer " + std::to_string(layer) + " is outside [0, " +
                                std::to_string(layers) + "]");
  }
  torch::NoGradGuard no_grad;
  const bool was_training = encoder->is_training();
  encoder->eval();
  EncoderOutput out = encoder->forward(input_ids, attention_mask, {}, /*output_hidden_states=*/true);
  encoder->train(was_training);
  return MaskedMeanPool(out.hidden_states[layer], attention_mask);
}

TaskModelImpl::TaskModelImpl(const EncoderConfig& config, const std::vector<TaskSpec>& tasks, bool with_pooler)
    : tasks_(tasks) {
  roberta = register_module("roberta", Encoder(config, with_pooler));
  auto heads = register_module("heads", std::make_shared<torch::nn::Module>());
  const double dropout = config.hidden_dropout_prob;
  for (const TaskSpec& task : tasks) {
    if (heads_.count(task.name)) throw std::invalid_argument("task '" + task.name + "' is declared twice");
    std::shared_ptr<TaskHeadImpl> head;
    switch (task.kind) {
      case TaskKind::kSequenceClassification:
        head = std::make_shared<SequenceClassificationHeadImpl>(config.hidden_size, task.num_labels, dropout);
        break;
      case TaskKind::kTokenClassification:
        head = std::make_shared<TokenClassificationHeadImpl>(config.hidden_size, task.num_labels, dropout);
        break;
      case TaskKind::kQuestionAnswering:
        head = std::make_shared<QuestionAnsweringHeadImpl>(config.hidden_size);
        break;
      case TaskKind::kMultipleChoice:
        head = std::make_shared<MultipleChoiceHeadImpl>(config.hidden_size, dropout);
        break;
      case TaskKind::kMaskedLm:
        head = std::make_shared<MaskedLmHeadImpl>(config, roberta->word_embedding_weight());
        break;
    }
    InitializeLikeHuggingFace(*head, config.initializer_range);
    heads->register_module(task.name, head);
    heads_[task.name] = head;
  }
}

TaskHeadImpl& TaskModelImpl::head(const std::string& task) {
  if (task.empty() && heads_.size() == 1) return *heads_.begin()->second;
  auto it = heads_.find(task);
  if (it == heads_.end()) throw std::invalid_argument("the model has no head for task '" + task + "'");
  return *it->second;
}

TaskOutput TaskModelImpl::forward(const Batch& batch) { return head(batch.task).Run(roberta, batch); }

}  // namespace xstilts
