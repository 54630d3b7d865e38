#include "model/task_sampler.h"

#include <algorithm>
#include <cmath>

#include "base/input_error.h"

namespace xstilts {

TaskSamplingOptions TaskSamplingOptionsFromParams(const nlohmann::json& p) {
  TaskSamplingOptions o;
  const std::string kind = p["sampling"].get<std::string>();
  o.kind = kind == "capped"        ? TaskSamplingKind::kCappedProportional
           : kind == "temperature" ? TaskSamplingKind::kTemperature
           : kind == "uniform"     ? TaskSamplingKind::kUniform
                                   : TaskSamplingKind::kProportional;
  o.examples_cap = p["cap"].get<int64_t>();
  o.temperature = p["temperature"].get<double>();
  if (o.kind == TaskSamplingKind::kCappedProportional && o.examples_cap <= 0) throw InputError("cap: sampling capped needs cap > 0");
  return o;
}

uint64_t MixSeed(uint64_t seed, uint64_t counter) {
  uint64_t z = seed + 0x9e3779b97f4a7c15ull * (counter + 1);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

Result<std::vector<double>> TaskSamplingProbabilities(const std::vector<int64_t>& task_sizes,
                                                      const TaskSamplingOptions& options) {
  auto invalid = [](const std::string& what) { return Status::Error(ErrorKind::kInvalidInput, what); };
  if (task_sizes.empty()) return invalid("task sampling: no tasks");
  for (int64_t n : task_sizes) {
    if (n < 0) return invalid("task sampling: task size " + std::to_string(n) + " is negative");
  }
  const bool capped = options.kind == TaskSamplingKind::kCappedProportional ||
                      (options.kind == TaskSamplingKind::kTemperature && options.examples_cap > 0);
  if (options.kind == TaskSamplingKind::kCappedProportional && options.examples_cap <= 0) {
    return invalid("task sampling: examples_cap must be positive, got " + std::to_string(options.examples_cap));
  }
  if (options.kind == TaskSamplingKind::kTemperature && !(options.temperature > 0)) {
    return invalid("task sampling: temperature must be positive");
  }
  const double exponent = options.kind == TaskSamplingKind::kTemperature ? 1.0 / options.temperature : 1.0;
  std::vector<double> weights;
  double total = 0;
  for (int64_t n : task_sizes) {
    double size = static_cast<double>(capped ? std::min(n, options.examples_cap) : n);
    double w = options.kind == TaskSamplingKind::kUniform ? (n > 0 ? 1.0 : 0.0) : std::pow(size, exponent);
    weights.push_back(w);
    total += w;
  }
  if (!(total > 0)) return invalid("task sampling: every task is empty");
  for (double& w : weights) w /= total;
  return weights;
}

TaskSampler::TaskSampler(std::vector<double> probabilities, uint64_t seed)
    : probabilities_(std::move(probabilities)), seed_(seed) {
  double sum = 0;
  for (double p : probabilities_) cumulative_.push_back(sum += p);
}

size_t TaskSampler::TaskForStep(int64_t step) const {
  // 53 random bits -> a uniform double in [0, 1) scaled to the (possibly unnormalized) total.
  const double u = static_cast<double>(MixSeed(seed_, static_cast<uint64_t>(step)) >> 11) * 0x1.0p-53 *
                   cumulative_.back();
  size_t i = std::upper_bound(cumulative_.begin(), cumulative_.end(), u) - cumulative_.begin();
  // Skip zero-probability tasks that upper_bound can land on at the very top of the range.
  while (i < cumulative_.size() && probabilities_[i] == 0) ++i;
  return std::min(i, cumulative_.size() - 1);
}

}  // namespace xstilts
