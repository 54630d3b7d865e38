// Turning model outputs into XTREME predictions, without Torch: span-QA n-best decoding over the
// doc-stride windows of one example, and first-sub-token tag decoding for tagging.
//
// Span QA follows compute_predictions_logits of the transformers SQuAD metrics that XTREME's
// run_squad.py calls (version 1, no null answer): per window the n_best highest start and end
// logits (ties in position order), candidate (start, end) pairs inside the context, start in its
// max-context window, end >= start, end - start + 1 <= max_answer_length, scored start + end
// logit; the best candidate over all windows of the example wins (ties: the earlier window, start,
// end). The answer text is the context between the code-point spans of the two tokens (the tokens
// artifact's context_char_start / context_char_end) instead of the script's whitespace-token
// re-alignment.
//
// Pure functions; throw std::invalid_argument when the per-token vectors of a window disagree in
// length.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace xstilts {

// One doc-stride window (one feature) of a span-QA example.
struct QaWindow {
  std::vector<float> start_logits;   // one per token of the feature
  std::vector<float> end_logits;
  std::vector<int32_t> char_start;   // code-point span of a context token; -1 elsewhere
  std::vector<int32_t> char_end;     //   (exclusive)
};

struct QaSpan {
  bool found = false;        // false when no window has a valid candidate (text is then "")
  double score = 0;          // start + end logit
  int64_t window = -1;
  int64_t start_token = -1;  // token indices in that window
  int64_t end_token = -1;
  int64_t char_start = 0;    // code points of the context, end exclusive
  int64_t char_end = 0;
  std::string text;          // UTF-8
};

QaSpan DecodeQaSpan(const std::vector<QaWindow>& windows, const std::string& context, int64_t n_best,
                    int64_t max_answer_length);

// The `n` indices of the largest values, largest first; equal values in index order.
std::vector<int64_t> BestIndexes(const std::vector<float>& values, int64_t n);

// Tagging: the predicted label id of each word, taken at its first sub-token (word_index >= 0)
// of one feature; `predicted` holds one label id per token. Words seen again (they cannot be in a
// well-formed artifact) keep the first prediction.
std::map<int32_t, int32_t> FirstSubTokenLabels(const std::vector<int32_t>& word_index,
                                               const std::vector<int32_t>& predicted);

// The tag sequence of `num_words` words: labels[id] for the words in `by_word`, `fill` for words
// without a prediction (truncated away).
std::vector<std::string> WordTags(const std::map<int32_t, int32_t>& by_word, int64_t num_words,
                                  const std::vector<std::string>& labels, const std::string& fill = "O");

}  // namespace xstilts
