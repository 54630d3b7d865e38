#include "report/replicate_stats.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

namespace xstilts {
namespace {

TEST(ReplicateStats, StudentQuantilesMatchTheTables) {
  EXPECT_DOUBLE_EQ(StudentT975(1), 12.706);
  EXPECT_DOUBLE_EQ(StudentT975(2), 4.303);
  EXPECT_DOUBLE_EQ(StudentT975(30), 2.042);
  EXPECT_NEAR(StudentT975(40), 2.021, 0.001);   // beyond the table: the expansion
  EXPECT_NEAR(StudentT975(120), 1.980, 0.001);
  EXPECT_NEAR(StudentT975(100000), 1.960, 0.001);
  EXPECT_THROW(StudentT975(0), std::invalid_argument);
}

TEST(ReplicateStats, IntervalOfThreeSeeds) {
  const MeanInterval interval = TInterval95({1, 2, 3});
  EXPECT_EQ(interval.n, 3);
  EXPECT_DOUBLE_EQ(interval.mean, 2);
  EXPECT_DOUBLE_EQ(*interval.sd, 1);
  const double half = 4.303 / std::sqrt(3.0);
  EXPECT_DOUBLE_EQ(*interval.low, 2 - half);
  EXPECT_DOUBLE_EQ(*interval.high, 2 + half);
  EXPECT_FALSE(interval.ExcludesZero());  // -0.48 to 4.48
  EXPECT_TRUE(TInterval95({3, 4, 5}).ExcludesZero());
  EXPECT_TRUE(TInterval95({-3, -4, -5}).ExcludesZero());
}

TEST(ReplicateStats, NoIntervalFromOneValue) {
  const MeanInterval one = TInterval95({7});
  EXPECT_DOUBLE_EQ(one.mean, 7);
  EXPECT_FALSE(one.sd);
  EXPECT_FALSE(one.low);
  EXPECT_FALSE(one.ExcludesZero());
  EXPECT_EQ(TInterval95({}).n, 0);
  EXPECT_DOUBLE_EQ(*SampleSd({2, 2, 2}), 0);
}

}  // namespace
}  // namespace xstilts
