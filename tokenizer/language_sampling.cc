#include "tokenizer/language_sampling.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <random>

namespace xstilts {
namespace {

// Uniform integer in [0, bound) from the engine's raw output: std::uniform_int_distribution is
// implementation-defined, and the sample must not change with the standard library.
uint64_t Below(std::mt19937_64& rng, uint64_t bound) {
  const uint64_t limit =
      std::numeric_limits<uint64_t>::max() - std::numeric_limits<uint64_t>::max() % bound;
  uint64_t x;
  do {
    x = rng();
  } while (x >= limit);
  return x % bound;
}

}  // namespace

std::vector<LanguageQuota> PlanLanguageSampling(
    const std::vector<std::pair<std::string, size_t>>& counts, double alpha, size_t total) {
  std::map<std::string, size_t> by_name;
  for (const auto& [language, n] : counts) by_name[language] += n;
  std::vector<LanguageQuota> plan;
  double norm = 0;
  for (const auto& [language, n] : by_name) {
    if (n == 0) continue;
    LanguageQuota q;
    q.language = language;
    q.available = n;
    q.probability = std::pow(static_cast<double>(n), alpha);
    norm += q.probability;
    plan.push_back(q);
  }
  if (plan.empty()) return plan;
  std::vector<double> remainders(plan.size());
  size_t assigned = 0;
  for (size_t i = 0; i < plan.size(); ++i) {
    plan[i].probability /= norm;
    const double exact = plan[i].probability * static_cast<double>(total);
    plan[i].quota = static_cast<size_t>(std::floor(exact));
    remainders[i] = exact - std::floor(exact);
    assigned += plan[i].quota;
  }
  std::vector<size_t> order(plan.size());
  std::iota(order.begin(), order.end(), 0);
  // Largest remainder first; ties go to the language that comes first by name.
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
  for (size_t k = 0; assigned < total; ++k, ++assigned) ++plan[order[k % order.size()]].quota;
  return plan;
}

std::vector<size_t> SampleByLanguage(const std::vector<std::string>& languages, double alpha,
                                     size_t total, uint64_t seed,
                                     std::vector<LanguageQuota>* plan_out) {
  std::map<std::string, std::vector<size_t>> members;
  for (size_t i = 0; i < languages.size(); ++i) members[languages[i]].push_back(i);
  std::vector<std::pair<std::string, size_t>> counts;
  for (const auto& [language, indices] : members) counts.emplace_back(language, indices.size());
  std::vector<LanguageQuota> plan = PlanLanguageSampling(counts, alpha, total);

  std::mt19937_64 rng(seed);
  std::vector<size_t> sample;
  sample.reserve(total);
  for (const LanguageQuota& q : plan) {
    std::vector<size_t>& pool = members[q.language];
    for (size_t copy = 0; copy < q.quota / pool.size(); ++copy) {
      sample.insert(sample.end(), pool.begin(), pool.end());
    }
    // Partial Fisher-Yates: the first `rest` entries become a uniform subset without replacement.
    const size_t rest = q.quota % pool.size();
    for (size_t i = 0; i < rest; ++i) {
      std::swap(pool[i], pool[i + Below(rng, pool.size() - i)]);
      sample.push_back(pool[i]);
    }
  }
  if (plan_out != nullptr) *plan_out = std::move(plan);
  return sample;
}

}  // namespace xstilts
