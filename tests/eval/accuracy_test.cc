#include "eval/metrics_accuracy.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace xstilts {
namespace {

TEST(Accuracy, ComparesLabelsAsStrings) {
  // 3 of 4 equal -> 75%.
  const AccuracyScore s =
      Accuracy({"entailment", "neutral", "contradiction", "neutral"},
               {"entailment", "neutral", "neutral", "neutral"});
  EXPECT_EQ(s.correct, 3u);
  EXPECT_EQ(s.total, 4u);
  EXPECT_DOUBLE_EQ(s.accuracy, 75.0);
  // evaluate.py compares strings: "07" is not "7".
  EXPECT_DOUBLE_EQ(Accuracy({"7", "1"}, {"07", "1"}).accuracy, 50.0);
}

TEST(Accuracy, RejectsMismatchedOrEmptyInput) {
  EXPECT_THROW(Accuracy({"a"}, {"a", "b"}), std::invalid_argument);
  EXPECT_THROW(Accuracy({}, {}), std::invalid_argument);
}

TEST(Accuracy, TatoebaTopOne) {
  // Source i should retrieve target i; 2 of 3 do -> 66.67%.
  const AccuracyScore s = TatoebaAccuracy({0, 1, 2}, {0, 2, 2});
  EXPECT_EQ(s.correct, 2u);
  EXPECT_NEAR(s.accuracy, 200.0 / 3, 1e-12);
}

}  // namespace
}  // namespace xstilts
