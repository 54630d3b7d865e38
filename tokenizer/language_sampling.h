// Temperature-based sampling of training sentences across languages, as XLM and XLM-R did for
// their sentencepiece/BPE vocabularies: with n_l sentences in language l, language l gets a share
//     q_l = n_l^alpha / sum_k n_k^alpha
// of the sample (alpha = 1: proportional to the data; alpha -> 0: uniform over languages; XLM-R
// used alpha = 0.3). Low-resource languages are thereby up-sampled and high-resource ones
// down-sampled.
//
// The sample is stratified and deterministic: each language's quota is round(total * q_l) by the
// largest-remainder method (so quotas sum to exactly `total`); a language whose quota exceeds its
// sentences contributes every sentence floor(quota / n_l) times plus a random subset for the
// rest; otherwise a random subset without replacement. Randomness comes from std::mt19937_64
// (fully specified by the standard) seeded with `seed`, so results are identical across
// platforms and runs. Pure functions; thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace xstilts {

struct LanguageQuota {
  std::string language;
  size_t available = 0;    // n_l
  double probability = 0;  // q_l
  size_t quota = 0;        // sentences of this language in the sample
};

// Quotas for languages with the given sentence counts (languages with no sentences are left
// out), ordered by language name. `total` is the sample size; alpha must be >= 0.
std::vector<LanguageQuota> PlanLanguageSampling(
    const std::vector<std::pair<std::string, size_t>>& counts, double alpha, size_t total);

// Draws the sample: returns indices into `languages` (one language tag per sentence), grouped by
// language in name order. `plan`, if not null, receives the quotas used.
std::vector<size_t> SampleByLanguage(const std::vector<std::string>& languages, double alpha,
                                     size_t total, uint64_t seed,
                                     std::vector<LanguageQuota>* plan = nullptr);

}  // namespace xstilts
