// Word-level labels -> sub-token labels for token classification (POS, NER), as XTREME and
// Hugging Face's token-classification recipes do: the first sub-token of each word carries the
// word's label, every other position (continuation sub-tokens, <s>, </s>, padding) gets -100 and
// is ignored by the loss. Predictions are read back from the same first sub-tokens.
//
// Torch-free, pure functions.
#pragma once

#include <cstdint>
#include <vector>

#include "base/status.h"

namespace xstilts {

// word_ids[t]: the word token t belongs to, or -1 for special tokens and padding (a word id
// must not reappear after another word started). kInvalidInput when a word id is out of range of
// word_labels or words are not contiguous.
Result<std::vector<int64_t>> FirstSubtokenLabels(const std::vector<int64_t>& word_ids,
                                                 const std::vector<int64_t>& word_labels);

// The inverse for predictions: per-word predictions taken at each word's first sub-token; words
// cut off by truncation get `missing` (-1 by default).
std::vector<int64_t> WordPredictions(const std::vector<int64_t>& word_ids,
                                     const std::vector<int64_t>& token_predictions, int64_t num_words,
                                     int64_t missing = -1);

}  // namespace xstilts
