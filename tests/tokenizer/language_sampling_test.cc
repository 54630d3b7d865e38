#include "tokenizer/language_sampling.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

namespace xstilts {
namespace {

std::vector<size_t> Quotas(const std::vector<LanguageQuota>& plan) {
  std::vector<size_t> out;
  for (const auto& q : plan) out.push_back(q.quota);
  return out;
}

TEST(LanguageSampling, QuotasFollowTheTemperature) {
  const std::vector<std::pair<std::string, size_t>> counts = {
      {"sw", 10}, {"en", 1000}, {"fr", 100}};
  // q = n^0.3 / sum: en 0.5707, fr 0.2860, sw 0.1433; 1110 * q = 633.43, 317.46, 159.11; the
  // one sentence left over goes to the largest remainder (fr).
  auto plan = PlanLanguageSampling(counts, 0.3, 1110);
  ASSERT_EQ(plan.size(), 3u);
  EXPECT_EQ(plan[0].language, "en");
  EXPECT_EQ(plan[1].language, "fr");
  EXPECT_EQ(plan[2].language, "sw");
  EXPECT_NEAR(plan[0].probability, 0.570654, 1e-6);
  EXPECT_NEAR(plan[2].probability, 0.143342, 1e-6);
  EXPECT_EQ(Quotas(plan), (std::vector<size_t>{633, 318, 159}));
  // alpha = 1: proportional to the data; alpha = 0: uniform over languages.
  EXPECT_EQ(Quotas(PlanLanguageSampling(counts, 1.0, 1110)), (std::vector<size_t>{1000, 100, 10}));
  EXPECT_EQ(Quotas(PlanLanguageSampling(counts, 0.0, 1110)), (std::vector<size_t>{370, 370, 370}));
  // 7 * q(alpha 0.5) = 4.94, 1.56, 0.49: floors 4, 1, 0 and two left over, by largest remainder.
  EXPECT_EQ(Quotas(PlanLanguageSampling(counts, 0.5, 7)), (std::vector<size_t>{5, 2, 0}));
}

TEST(LanguageSampling, LeavesOutEmptyLanguagesAndMergesRepeats) {
  auto plan = PlanLanguageSampling({{"de", 0}, {"en", 3}, {"en", 1}}, 0.3, 8);
  ASSERT_EQ(plan.size(), 1u);
  EXPECT_EQ(plan[0].language, "en");
  EXPECT_EQ(plan[0].available, 4u);
  EXPECT_EQ(plan[0].quota, 8u);
  EXPECT_TRUE(PlanLanguageSampling({}, 0.3, 8).empty());
}

TEST(LanguageSampling, SampleIsDeterministicAndMeetsTheQuotas) {
  std::vector<std::string> languages;
  for (int i = 0; i < 1000; ++i) languages.push_back("en");
  for (int i = 0; i < 100; ++i) languages.push_back("fr");
  for (int i = 0; i < 10; ++i) languages.push_back("sw");
  std::vector<LanguageQuota> plan;
  const auto a = SampleByLanguage(languages, 0.3, 1110, 42, &plan);
  const auto b = SampleByLanguage(languages, 0.3, 1110, 42);
  const auto c = SampleByLanguage(languages, 0.3, 1110, 43);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 1110u);
  std::map<std::string, size_t> per_language;
  std::map<size_t, size_t> times;
  for (size_t i : a) {
    ++per_language[languages[i]];
    ++times[i];
  }
  EXPECT_EQ(per_language["en"], 633u);
  EXPECT_EQ(per_language["fr"], 318u);
  EXPECT_EQ(per_language["sw"], 159u);
  // en is down-sampled without replacement; sw (10 sentences, quota 159) is repeated 15 or 16
  // times each: every sentence 15 times plus 9 of them once more.
  for (const auto& [index, n] : times) {
    if (languages[index] == "en") {
      EXPECT_EQ(n, 1u);
    } else if (languages[index] == "fr") {
      EXPECT_TRUE(n == 3 || n == 4) << n;
    } else {
      EXPECT_TRUE(n == 15 || n == 16) << n;
    }
  }
  size_t sw_distinct = 0;
  for (size_t i = 1100; i < 1110; ++i) sw_distinct += times.count(i);
  EXPECT_EQ(sw_distinct, 10u);
}

}  // namespace
}  // namespace xstilts
