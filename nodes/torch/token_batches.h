// Tokens artifacts (data/token_dataset.h) as in-memory training data for the trainer, and the
// dev-set score used for best-checkpoint selection.
//
// Torch header. Every feature is padded with the artifact's pad_id to the longest feature (an
// attention_mask marks the padding). Errors: InputError naming the file (`source`) for data a
// model cannot train on (parallel sentences, unlabelled features, choices of unequal count,
// token ids beyond the model's vocabulary).
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <memory>
#include <string>

#include "data/token_dataset.h"
#include "model/batch.h"
#include "model/encoder_config.h"
#include "model/heads.h"

namespace xstilts {

struct TaskData {
  TaskSpec spec;            // name, head kind, num_labels (from the label set)
  Batch examples;           // first dimension: examples (multiple choice: [E, C, S])
  int64_t rows = 0;         // examples
  int64_t sequence_length = 0;
};

// The head a tokens artifact's task trains: classification -> sequence_classification, tagging
// -> token_classification, span QA -> question_answering, multiple choice -> multiple_choice.
TaskData TaskDataFromTokens(const TokenDataset& tokens, const std::string& task_name, int64_t vocab_size,
                            const std::string& source);

// All features back to back (each keeps its <s> ... </s>), cut into rows of `length` tokens; the
// incomplete last row is dropped. [rows, length] int64. InputError when no row fills.
torch::Tensor PackedSequences(const TokenDataset& tokens, int64_t length, int64_t vocab_size, const std::string& source);

// A masked-LM corpus as a batch source (pretrain_mlm, and train's mlm input): the corpus packed
// into rows of `length` tokens (0: the artifact's max_length, at most the model's positions;
// whole batches only once there is one), masked as RoBERTa does (model/mlm_masking.h) with the
// tokenizer's <mask> and special ids. InputError naming `source` when the tokenizer has no <mask>
// or `length` exceeds the model's positions. `rows` and `length` report what was packed.
struct MlmCorpus {
  std::unique_ptr<BatchSource> batches;
  int64_t rows = 0, length = 0;
};
MlmCorpus MlmCorpusBatches(const TokenDataset& tokens, const EncoderConfig& config, int64_t length, int64_t batch_size,
                           double mask_probability, uint64_t seed, const std::string& source);

// Dev score of `model` on `dev` (higher is better), in eval mode without gradients, in batches:
// accuracy for sequence classification and multiple choice (minus the mean squared error for
// regression), accuracy over labelled tokens for tagging, the mean of start and end accuracy
// for span QA.
double DevScore(TaskModelImpl& model, const TaskData& dev, int64_t batch_size, const torch::Device& device);
// "accuracy", "negative_mse", "token_accuracy" or "start_end_accuracy".
std::string DevScoreName(const TaskSpec& spec);

}  // namespace xstilts
