#include "eval/metrics_accuracy.h"

#include <stdexcept>

namespace xstilts {
namespace {

template <typename T>
AccuracyScore CountCorrect(const std::vector<T>& labels, const std::vector<T>& predictions) {
  if (labels.size() != predictions.size()) {
    throw std::invalid_argument("accuracy: " + std::to_string(predictions.size()) +
                                " predictions for " + std::to_string(labels.size()) + " labels");
  }
  if (predictions.empty()) throw std::invalid_argument("accuracy: no examples");
  AccuracyScore score;
  score.total = predictions.size();
  for (std::size_t i = 0; i < predictions.size(); ++i) {
    if (predictions[i] == labels[i]) ++score.correct;
  }
  // Same operation order as evaluate.py: float(correct) / len(predictions), then * 100.
  score.accuracy = static_cast<double>(score.correct) / static_cast<double>(score.total) * 100;
  return score;
}

}  // namespace

AccuracyScore Accuracy(const std::vector<std::string>& labels,
                       const std::vector<std::string>& predictions) {
  return CountCorrect(labels, predictions);
}

AccuracyScore TatoebaAccuracy(const std::vector<std::int64_t>& gold_indices,
                              const std::vector<std::int64_t>& predicted_indices) {
  return CountCorrect(gold_indices, predicted_indices);
}

}  // namespace xstilts
