#include "model/label_alignment.h"

#include <string>

namespace xstilts {

Result<std::vector<int64_t>> FirstSubtokenLabels(const std::vector<int64_t>& word_ids,
                                                 const std::vector<int64_t>& word_labels) {
  std::vector<int64_t> labels(word_ids.size(), -100);
  int64_t previous = -1;
  int64_t highest = -1;
  for (size_t t = 0; t < word_ids.size(); ++t) {
    const int64_t word = word_ids[t];
    if (word < 0) {
      previous = -1;
      continue;
    }
    if (word >= static_cast<int64_t>(word_labels.size())) {
      return Status::Error(ErrorKind::kInvalidInput, "token " + std::to_string(t) + ": word " + std::to_string(word) +
                                                         " has no label (" + std::to_string(word_labels.size()) +
                                                         " words)");
    }
    if (word != previous) {
      if (word <= highest) {
        return Status::Error(ErrorKind::kInvalidInput,
                             "token " + std::to_string(t) + ": word " + std::to_string(word) + " reappears");
      }
      labels[t] = word_labels[word];
      highest = word;
    }
    previous = word;
  }
  return labels;
}

std::vector<int64_t> WordPredictions(const std::vector<int64_t>& word_ids,
                                     const std::vector<int64_t>& token_predictions, int64_t num_words,
                                     int64_t missing) {
  std::vector<int64_t> out(num_words, missing);
  std::vector<bool> seen(num_words, false);
  for (size_t t = 0; t < word_ids.size() && t < token_predictions.size(); ++t) {
    const int64_t word = word_ids[t];
    if (word < 0 || word >= num_words || seen[word]) continue;
    seen[word] = true;
    out[word] = token_predictions[t];
  }
  return out;
}

}  // namespace xstilts
