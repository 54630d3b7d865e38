// Multi-task sampling as jiant does it: which task each training step draws its batch from.
//
// Torch-free. Probabilities are p_i ∝ min(n_i, cap)^(1/temperature) over task sizes n_i:
// proportional (temperature 1, no cap), capped proportional (cap set), temperature (T > 1
// flattens toward uniform), uniform. The task of a step is a pure function of (seed, step), so a
// resumed run draws the same tasks without saving any sampler state. Thread-safe (const).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"

namespace xstilts {

enum class TaskSamplingKind { kProportional, kCappedProportional, kTemperature, kUniform };

struct TaskSamplingOptions {
  TaskSamplingKind kind = TaskSamplingKind::kProportional;
  int64_t examples_cap = 0;  // kCappedProportional (and kTemperature when > 0): n_i -> min(n_i, cap)
  double temperature = 1.0;  // kTemperature: p_i ∝ n_i^(1/temperature)
};

// kInvalidInput when sizes are empty or negative, all zero, cap/temperature not positive.
// The options of a `train` node's params (sampling, cap, temperature). Throws InputError for
// sampling "capped" without cap > 0.
TaskSamplingOptions TaskSamplingOptionsFromParams(const nlohmann::json& params);

Result<std::vector<double>> TaskSamplingProbabilities(const std::vector<int64_t>& task_sizes,
                                                      const TaskSamplingOptions& options);

class TaskSampler {
 public:
  TaskSampler(std::vector<double> probabilities, uint64_t seed);
  // Index of the task for `step` (0-based), drawn from the probabilities with a counter-based
  // generator (SplitMix64 of seed and step).
  size_t TaskForStep(int64_t step) const;
  const std::vector<double>& probabilities() const { return probabilities_; }

 private:
  std::vector<double> probabilities_;
  std::vector<double> cumulative_;
  uint64_t seed_;
};

// SplitMix64: a 64-bit mix used wherever a seed must be derived from (seed, counter).
uint64_t MixSeed(uint64_t seed, uint64_t counter);

}  // namespace xstilts
