#include "report/study.h"

namespace xstilts {

void Compute::Add(const Compute& other) {
  flops += other.flops;
  tokens += other.tokens;
  wall_seconds += other.wall_seconds;
  cpu_seconds += other.cpu_seconds;
  gpu_seconds += other.gpu_seconds;
  nodes += other.nodes;
}

const char* ModelGroupName(ModelGroup group) {
  switch (group) {
    case ModelGroup::kMultilingual:
      return "multilingual";
    case ModelGroup::kMonolingual:
      return "monolingual";
  }
  return "unknown";
}

const ScoreRow* Study::Find(const std::string& model, const std::string& intermediate,
                            const std::string& target) const {
  auto it = scores.find(StudyCell{model, intermediate, target});
  return it == scores.end() ? nullptr : &it->second;
}

std::optional<double> Study::Gain(const std::string& model, const std::string& intermediate,
                                  const std::string& target, const std::string& language) const {
  const ScoreRow* variant = Find(model, intermediate, target);
  const ScoreRow* baseline = Find(model, "", target);
  if (variant == nullptr || baseline == nullptr) return std::nullopt;
  if (language.empty()) return variant->average - baseline->average;
  auto v = variant->by_language.find(language);
  auto b = baseline->by_language.find(language);
  if (v == variant->by_language.end() || b == baseline->by_language.end()) return std::nullopt;
  return v->second - b->second;
}

// The means below iterate the ordered lists, not the maps, so that the summation order (and so
// the last bits of the result) does not depend on how names sort.
std::optional<double> Study::AverageScore(const std::string& model, const std::string& intermediate) const {
  double sum = 0;
  int count = 0;
  for (const std::string& target : targets) {
    if (const ScoreRow* row = Find(model, intermediate, target)) {
      sum += row->average;
      ++count;
    }
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

std::optional<double> Study::AverageGain(const std::string& model, const std::string& intermediate) const {
  double sum = 0;
  int count = 0;
  for (const std::string& target : targets) {
    if (std::optional<double> gain = Gain(model, intermediate, target)) {
      sum += *gain;
      ++count;
    }
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

std::optional<double> Study::MeanGainOverIntermediates(const std::string& model, const std::string& target,
                                                       const std::string& language) const {
  double sum = 0;
  int count = 0;
  for (const std::string& intermediate : intermediates) {
    if (std::optional<double> gain = Gain(model, intermediate, target, language)) {
      sum += *gain;
      ++count;
    }
  }
  if (count == 0) return std::nullopt;
  return sum / count;
}

}  // namespace xstilts
