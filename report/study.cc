#include "report/study.h"

#include <cmath>

#include "report/replicate_stats.h"

namespace xstilts {
namespace {

std::optional<double> ValueOf(const Replicate& replicate, const std::string& language) {
  if (language.empty()) return replicate.average;
  auto it = replicate.by_language.find(language);
  if (it == replicate.by_language.end()) return std::nullopt;
  return it->second;
}

// The baseline replicate that `variant` pairs with: the one with its seed, else the only one.
const Replicate* Partner(const std::vector<Replicate>& baseline, const Replicate& variant) {
  for (const Replicate& b : baseline) {
    if (b.seed == variant.seed) return &b;
  }
  return baseline.size() == 1 ? &baseline.front() : nullptr;
}

// Variant minus baseline per paired replicate, keyed by the variant replicate's label.
std::map<std::string, double> PairedDifferences(const ScoreRow& variant, const ScoreRow& baseline,
                                                const std::string& language) {
  std::map<std::string, double> out;
  const std::vector<Replicate> base = baseline.Replicates();
  for (const Replicate& r : variant.Replicates()) {
    const Replicate* b = Partner(base, r);
    if (b == nullptr) continue;
    std::optional<double> v = ValueOf(r, language);
    std::optional<double> w = ValueOf(*b, language);
    if (v && w) out[r.label] = *v - *w;
  }
  return out;
}

GainStats StatsOf(const std::vector<double>& differences) {
  const MeanInterval interval = TInterval95(differences);
  GainStats stats;
  stats.mean = interval.mean;
  stats.pairs = interval.n;
  stats.low = interval.low;
  stats.high = interval.high;
  return stats;
}

}  // namespace

void Compute::Add(const Compute& other) {
  flops += other.flops;
  tokens += other.tokens;
  wall_seconds += other.wall_seconds;
  cpu_seconds += other.cpu_seconds;
  gpu_seconds += other.gpu_seconds;
  projected_flops += other.projected_flops;
  nodes += other.nodes;
}

void Compute::Scale(double factor) {
  flops *= factor;
  tokens *= factor;
  wall_seconds *= factor;
  cpu_seconds *= factor;
  gpu_seconds *= factor;
  projected_flops *= factor;
  nodes = static_cast<int>(std::lround(nodes * factor));
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

std::optional<double> ScoreRow::Sd(const std::string& language) const {
  std::vector<double> values;
  for (const Replicate& r : replicates) {
    if (std::optional<double> v = ValueOf(r, language)) values.push_back(*v);
  }
  return SampleSd(values);
}

std::vector<Replicate> ScoreRow::Replicates() const {
  if (!replicates.empty()) return replicates;
  Replicate only;
  only.by_language = by_language;
  only.average = average;
  return {only};
}

std::optional<GainStats> Study::PairedGain(const std::string& model, const std::string& intermediate,
                                           const std::string& target, const std::string& language) const {
  const ScoreRow* variant = Find(model, intermediate, target);
  const ScoreRow* baseline = Find(model, "", target);
  if (variant == nullptr || baseline == nullptr) return std::nullopt;
  const std::map<std::string, double> differences = PairedDifferences(*variant, *baseline, language);
  if (differences.empty()) return std::nullopt;
  std::vector<double> values;
  for (const auto& [label, difference] : differences) values.push_back(difference);
  return StatsOf(values);
}

std::optional<double> Study::Gain(const std::string& model, const std::string& intermediate,
                                  const std::string& target, const std::string& language) const {
  std::optional<GainStats> gain = PairedGain(model, intermediate, target, language);
  if (!gain) return std::nullopt;
  return gain->mean;
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

std::optional<GainStats> Study::AverageGainStats(const std::string& model, const std::string& intermediate) const {
  std::vector<std::map<std::string, double>> per_target;
  for (const std::string& target : targets) {
    const ScoreRow* variant = Find(model, intermediate, target);
    const ScoreRow* baseline = Find(model, "", target);
    if (variant == nullptr || baseline == nullptr) continue;
    std::map<std::string, double> differences = PairedDifferences(*variant, *baseline, "");
    if (!differences.empty()) per_target.push_back(std::move(differences));
  }
  if (per_target.empty()) return std::nullopt;
  std::vector<double> per_seed;
  for (const auto& [label, first] : per_target.front()) {
    double sum = 0;
    bool everywhere = true;
    for (const auto& differences : per_target) {
      auto it = differences.find(label);
      if (it == differences.end()) {
        everywhere = false;
        break;
      }
      sum += it->second;
    }
    if (everywhere) per_seed.push_back(sum / static_cast<double>(per_target.size()));
  }
  if (per_seed.empty()) return std::nullopt;
  return StatsOf(per_seed);
}

std::optional<double> Study::AverageGain(const std::string& model, const std::string& intermediate) const {
  std::optional<GainStats> gain = AverageGainStats(model, intermediate);
  if (!gain) return std::nullopt;
  return gain->mean;
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
