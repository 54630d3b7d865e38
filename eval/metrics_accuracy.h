// Accuracy as XTREME's evaluate.py computes it for XNLI, PAWS-X and Tatoeba:
//   correct / len(predictions) * 100, where a prediction is correct when it equals the gold label
//   as a string (after str.strip(), which the file readers do).
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xstilts {

struct AccuracyScore {
  double accuracy = 0;  // percent, 0..100
  std::size_t correct = 0;
  std::size_t total = 0;
};

// Throws std::invalid_argument when the two lists differ in length or are empty (evaluate.py
// asserts on the first and divides by zero on the second); file-level callers check first and
// report the file and line instead.
AccuracyScore Accuracy(const std::vector<std::string>& labels,
                       const std::vector<std::string>& predictions);

// Tatoeba top-1 accuracy: prediction i is correct when it names the gold target index of source
// sentence i. XTREME writes the predicted indices and scores them with Accuracy() above; this
// overload is the same computation for callers that hold the indices as numbers.
AccuracyScore TatoebaAccuracy(const std::vector<std::int64_t>& gold_indices,
                              const std::vector<std::int64_t>& predicted_indices);

}  // namespace xstilts
