// Task heads on top of the encoder, kept as modules separate from it so a later phase can load
// the encoder alone (see model_weights.h: LoadEncoderWeights), plus TaskModel, one encoder shared
// by any number of named heads (multi-task training as jiant does it).
//
// Torch header. Parameter names: `roberta.<encoder names>` and `heads.<task>.<head names>`; head
// names follow Hugging Face where it has them (classifier.dense / classifier.out_proj for
// sequence classification become `heads.<task>.dense` / `.out_proj`; qa_outputs; classifier).
// Losses ignore label -100 and average over the labels that remain (zero when none remain).
#pragma once

#include <torch/torch.h>

#include <map>
#include <string>
#include <vector>

#include "model/batch.h"
#include "model/encoder.h"

namespace xstilts {

enum class TaskKind {
  kSequenceClassification,  // labels [B]; num_labels == 1 means regression (MSE on float labels)
  kTokenClassification,     // labels [B, S], first sub-token of each word, -100 elsewhere
  kQuestionAnswering,       // start_positions / end_positions [B]
  kMultipleChoice,          // input_ids [B, C, S], labels [B]
  kMaskedLm,                // labels [B, S], -100 where not masked
};
const char* TaskKindName(TaskKind kind);

struct TaskOutput {
  torch::Tensor loss;          // scalar; undefined when the batch has no labels
  torch::Tensor logits;        // [B, L], [B, S, L], [B, C], [B, S, V] or [N labelled, V]; MLM: see MaskedLmHeadImpl
  torch::Tensor start_logits;  // [B, S] question answering only
  torch::Tensor end_logits;
};

// Every head runs the encoder itself: multiple choice flattens choices, MLM needs all positions.
class TaskHeadImpl : public torch::nn::Module {
 public:
  virtual TaskOutput Run(Encoder& encoder, const Batch& batch) = 0;
};

// Hugging Face's RobertaClassificationHead: dropout, dense, tanh, dropout, out_proj on <s>.
class SequenceClassificationHeadImpl : public TaskHeadImpl {
 public:
  SequenceClassificationHeadImpl(int64_t hidden_size, int64_t num_labels, double dropout);
  torch::Tensor forward(const torch::Tensor& last_hidden_state);  // -> [B, num_labels]
  TaskOutput Run(Encoder& encoder, const Batch& batch) override;
  torch::nn::Linear dense{nullptr}, out_proj{nullptr};

 private:
  int64_t num_labels_;
  double dropout_;
};
TORCH_MODULE(SequenceClassificationHead);

class TokenClassificationHeadImpl : public TaskHeadImpl {
 public:
  TokenClassificationHeadImpl(int64_t hidden_size, int64_t num_labels, double dropout);
  torch::Tensor forward(const torch::Tensor& last_hidden_state);  // -> [B, S, num_labels]
  TaskOutput Run(Encoder& encoder, const Batch& batch) override;
  torch::nn::Linear classifier{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(TokenClassificationHead);

// Span extraction: qa_outputs gives start and end logits per token. Positions outside the
// sequence are clamped to S and ignored, as Hugging Face does.
class QuestionAnsweringHeadImpl : public TaskHeadImpl {
 public:
  explicit QuestionAnsweringHeadImpl(int64_t hidden_size);
  TaskOutput Run(Encoder& encoder, const Batch& batch) override;
  torch::nn::Linear qa_outputs{nullptr};
};
TORCH_MODULE(QuestionAnsweringHead);

// One score per choice: tanh(dense(<s>)), dropout, classifier -> 1, reshaped to [B, C].
class MultipleChoiceHeadImpl : public TaskHeadImpl {
 public:
  MultipleChoiceHeadImpl(int64_t hidden_size, double dropout);
  TaskOutput Run(Encoder& encoder, const Batch& batch) override;
  torch::nn::Linear dense{nullptr}, classifier{nullptr};

 private:
  double dropout_;
};
TORCH_MODULE(MultipleChoiceHead);

// Hugging Face's RobertaLMHead: dense, gelu, layer_norm, decoder tied to the word embeddings
// (not a parameter of this module), plus bias.
class MaskedLmHeadImpl : public TaskHeadImpl {
 public:
  MaskedLmHeadImpl(const EncoderConfig& config, torch::Tensor word_embedding_weight);
  torch::Tensor forward(const torch::Tensor& last_hidden_state);  // -> [B, S, vocab]
  // Without labels: logits [B, S, vocab], as Hugging Face computes them. With labels, the loss
  // is the mean over the labelled positions either way; logits_for_labels_only (the default, as
  // fairseq's RoBERTa trains) computes logits only there (the same loss and gradients with
  // ~1/0.15 less output-layer work), otherwise at every position. When torch::GradMode is
  // enabled and the tensors are CPU float32, the output layer and the cross entropy run fused
  // (LinearCrossEntropy) and TaskOutput::logits stays undefined; otherwise (evaluation under
  // NoGradGuard, CUDA) it is [N labelled, vocab] or [B, S, vocab].
  TaskOutput Run(Encoder& encoder, const Batch& batch) override;
  bool logits_for_labels_only = true;
  torch::nn::Linear dense{nullptr};
  torch::nn::LayerNorm layer_norm{nullptr};
  torch::Tensor bias;
  torch::Tensor decoder_weight;  // the encoder's word embedding weight, shared
};
TORCH_MODULE(MaskedLmHead);

// Mean of `hidden` [B, S, H] over the positions where attention_mask [B, S] is 1 -> [B, H].
torch::Tensor MaskedMeanPool(const torch::Tensor& hidden, const torch::Tensor& attention_mask);
// Sentence vectors for retrieval: masked mean of hidden state `layer` (0 = embeddings,
// num_hidden_layers = last) -> [B, H]. Runs in eval mode under NoGradGuard; restores the mode.
torch::Tensor SentenceEmbeddings(Encoder& encoder, const torch::Tensor& input_ids,
                                 const torch::Tensor& attention_mask, int64_t layer);

struct TaskSpec {
  std::string name;
  TaskKind kind = TaskKind::kSequenceClassification;
  int64_t num_labels = 2;  // classification tasks only
  // The label names, label id i = labels[i] (from the training data's label set); empty when
  // unknown. Only exports use them (Hugging Face id2label).
  std::vector<std::string> labels = {};
};

class TaskModelImpl : public torch::nn::Module {
 public:
  // The encoder gets a pooler when `with_pooler` (needed only to round-trip Hugging Face models
  // that have one). Throws std::invalid_argument on an invalid config or repeated task names.
  TaskModelImpl(const EncoderConfig& config, const std::vector<TaskSpec>& tasks, bool with_pooler = false);
  // Routes to the head named batch.task (the only head when empty). Throws std::invalid_argument
  // for an unknown task.
  TaskOutput forward(const Batch& batch);
  TaskHeadImpl& head(const std::string& task);
  const std::vector<TaskSpec>& tasks() const { return tasks_; }

  Encoder roberta{nullptr};

 private:
  std::vector<TaskSpec> tasks_;
  std::map<std::string, std::shared_ptr<TaskHeadImpl>> heads_;
};
TORCH_MODULE(TaskModel);

}  // namespace xstilts
