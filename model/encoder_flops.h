// The arithmetic of an encoder's cost, without Torch: the floating-point operations of token
// positions through an encoder, and the parameter count of a task model from its config and heads.
//
// One place for both, shared by the cost records written after a run (nodes/torch: train,
// pretrain_mlm, evaluate, retrieve) and the estimates made before one (nodes/estimate/), so
// projected and recorded costs use the same formula. Torch-free; never throws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "model/encoder_config.h"

namespace xstilts {

// Floating-point operations of `tokens` token positions through `config`'s encoder in sequences
// of `sequence_length`: 2 x parameters per token forward plus the attention scores and weighted
// sums (2 x layers x sequence_length x hidden); training (forward + backward) is 3 x that.
double EncoderFlops(const EncoderConfig& config, int64_t parameters, double tokens, int64_t sequence_length,
                    bool training);

// The sequence length the inference records (evaluate, retrieve) use for the attention term,
// whatever the batches' lengths: one fixed figure, so inference costs compare across tasks.
inline constexpr int64_t kInferenceFlopsSequenceLength = 128;

// One task head of a model: `kind` as TaskKindName (model/heads.h) names it
// ("sequence_classification", "token_classification", "question_answering", "multiple_choice",
// "masked_lm"); `num_labels` counts for the classification heads only.
struct HeadShape {
  std::string kind;
  int64_t num_labels = 2;
};

// Parameters of one head of `config`'s width (the masked-LM decoder is tied to the word
// embeddings, so only its bias counts). 0 for an unknown kind.
int64_t HeadParameterCount(const EncoderConfig& config, const HeadShape& head);

// Distinct parameters of a task model (model/heads.h TaskModelImpl): the encoder, its pooler when
// `with_pooler`, and each head. Equals ParameterCount of the built module (a test checks it).
int64_t TaskModelParameterCount(const EncoderConfig& config, const std::vector<HeadShape>& heads, bool with_pooler);

}  // namespace xstilts
