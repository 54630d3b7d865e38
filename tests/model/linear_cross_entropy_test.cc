#include "model/linear_cross_entropy.h"

#include <gtest/gtest.h>

#include <cmath>

#include "model/batch.h"

namespace xstilts {
namespace {

struct Operands {
  torch::Tensor x, weight, bias, labels;
};

Operands RandomOperands(int64_t rows, int64_t hidden, int64_t vocab, double labelled_fraction, uint64_t seed) {
  torch::manual_seed(seed);
  Operands o;
  o.x = torch::randn({rows, hidden}).requires_grad_();
  o.weight = (torch::randn({vocab, hidden}) * 0.5).requires_grad_();
  o.bias = torch::randn({vocab}).requires_grad_();
  o.labels = torch::where(torch::rand({rows}) < labelled_fraction, torch::randint(0, vocab, {rows}, torch::kLong),
                          torch::full({rows}, kIgnoreLabel, torch::kLong));
  return o;
}

struct LossAndGrads {
  torch::Tensor loss, x, weight, bias;
};

LossAndGrads Backward(const Operands& o, const torch::Tensor& loss) {
  for (const auto& t : {o.x, o.weight, o.bias}) {
    if (t.grad().defined()) t.mutable_grad().zero_();
  }
  loss.backward();
  return {loss.detach().clone(), o.x.grad().clone(), o.weight.grad().clone(), o.bias.grad().clone()};
}

LossAndGrads Reference(const Operands& o) {
  return Backward(o, torch::nn::functional::cross_entropy(
                         torch::linear(o.x, o.weight, o.bias), o.labels,
                         torch::nn::functional::CrossEntropyFuncOptions().ignore_index(kIgnoreLabel)));
}

void ExpectClose(const LossAndGrads& a, const LossAndGrads& b) {
  EXPECT_NEAR(a.loss.item<double>(), b.loss.item<double>(), 1e-5 + 1e-6 * std::fabs(b.loss.item<double>()));
  EXPECT_TRUE(torch::allclose(a.x, b.x, 1e-4, 1e-6)) << (a.x - b.x).abs().max();
  EXPECT_TRUE(torch::allclose(a.weight, b.weight, 1e-4, 1e-6)) << (a.weight - b.weight).abs().max();
  EXPECT_TRUE(torch::allclose(a.bias, b.bias, 1e-4, 1e-6)) << (a.bias - b.bias).abs().max();
}

TEST(LinearCrossEntropy, MatchesLinearThenCrossEntropyForEveryChunking) {
  const Operands o = RandomOperands(37, 16, 101, 0.4, 1);
  const LossAndGrads expected = Reference(o);
  ASSERT_GT(expected.loss.item<double>(), 0.0);
  for (int64_t chunk : {1, 7, 36, 37, 0, 1000}) {
    SCOPED_TRACE("chunk_rows " + std::to_string(chunk));
    ExpectClose(Backward(o, LinearCrossEntropy(o.x, o.weight, o.bias, o.labels, chunk)), expected);
  }
}

TEST(LinearCrossEntropy, EveryRowLabelledAndLargeLogits) {
  Operands o = RandomOperands(20, 8, 300, 1.1, 2);
  {
    torch::NoGradGuard no_grad;
    o.weight.mul_(40);  // logits in the hundreds: a naive softmax would overflow
  }
  ExpectClose(Backward(o, LinearCrossEntropy(o.x, o.weight, o.bias, o.labels, 6)), Reference(o));
}

TEST(LinearCrossEntropy, ScalesWithTheIncomingGradient) {
  const Operands o = RandomOperands(12, 8, 30, 0.5, 3);
  const LossAndGrads once = Backward(o, LinearCrossEntropy(o.x, o.weight, o.bias, o.labels, 5));
  const LossAndGrads thrice = Backward(o, LinearCrossEntropy(o.x, o.weight, o.bias, o.labels, 5) * 3.0);
  EXPECT_TRUE(torch::allclose(thrice.x, once.x * 3.0, 1e-5, 1e-7));
  EXPECT_TRUE(torch::allclose(thrice.weight, once.weight * 3.0, 1e-5, 1e-7));
  EXPECT_TRUE(torch::allclose(thrice.bias, once.bias * 3.0, 1e-5, 1e-7));
}

TEST(LinearCrossEntropy, NoLabelledRowGivesZeroLossAndZeroGradients) {
  Operands o = RandomOperands(9, 4, 11, 0.0, 4);
  const LossAndGrads got = Backward(o, LinearCrossEntropy(o.x, o.weight, o.bias, o.labels));
  EXPECT_EQ(got.loss.item<double>(), 0.0);
  EXPECT_EQ(got.x.abs().sum().item<double>(), 0.0);
  EXPECT_EQ(got.weight.abs().sum().item<double>(), 0.0);
}

TEST(LinearCrossEntropy, WithoutGradientsGivesTheLossOnly) {
  const Operands o = RandomOperands(15, 8, 40, 0.5, 5);
  const double expected = Reference(o).loss.item<double>();
  torch::NoGradGuard no_grad;
  torch::Tensor loss = LinearCrossEntropy(o.x, o.weight, o.bias, o.labels, 4);
  EXPECT_FALSE(loss.requires_grad());
  EXPECT_NEAR(loss.item<double>(), expected, 1e-5);
}

TEST(LinearCrossEntropy, RejectsMismatchedShapesNonCpuFloatAndBadLabels) {
  const Operands o = RandomOperands(6, 8, 10, 0.5, 6);
  EXPECT_THROW(LinearCrossEntropy(o.x, o.weight.slice(1, 0, 4), o.bias, o.labels), c10::Error);
  EXPECT_THROW(LinearCrossEntropy(o.x, o.weight, o.bias.slice(0, 0, 5), o.labels), c10::Error);
  EXPECT_THROW(LinearCrossEntropy(o.x, o.weight, o.bias, o.labels.slice(0, 0, 3)), c10::Error);
  EXPECT_FALSE(CanFuseLinearCrossEntropy(o.x.to(torch::kDouble), o.weight));
  EXPECT_THROW(LinearCrossEntropy(o.x.to(torch::kDouble), o.weight, o.bias, o.labels), c10::Error);
  EXPECT_THROW(LinearCrossEntropy(o.x, o.weight, o.bias, o.labels.to(torch::kInt)), c10::Error);
  for (int64_t bad : {int64_t{-5}, int64_t{10}}) {
    torch::Tensor labels = o.labels.clone();
    labels[2] = bad;
    try {
      LinearCrossEntropy(o.x, o.weight, o.bias, labels);
      ADD_FAILURE() << "label " << bad << " accepted";
    } catch (const c10::Error& e) {
      EXPECT_NE(std::string(e.what()).find("label " + std::to_string(bad) + " is outside [0, 10)"), std::string::npos)
          << e.what();
    }
  }
}

TEST(LinearCrossEntropy, EmptyInputGivesZeroLoss) {
  const Operands o = RandomOperands(0, 8, 10, 0.5, 7);
  torch::Tensor loss = LinearCrossEntropy(o.x, o.weight, o.bias, o.labels);
  EXPECT_EQ(loss.item<double>(), 0.0);
  loss.backward();
  EXPECT_EQ(o.weight.grad().abs().sum().item<double>(), 0.0);
}

TEST(LinearCrossEntropy, FrozenOperandsGetNoGradientAndStridedWeightsWork) {
  Operands o = RandomOperands(10, 8, 30, 0.5, 8);
  const LossAndGrads expected = Reference(o);
  // The weight as the transpose of an [H, V] tensor (not contiguous), and frozen with the bias.
  const torch::Tensor weight_t = o.weight.detach().t().contiguous().t();
  ASSERT_FALSE(weight_t.is_contiguous());
  o.x.mutable_grad() = torch::Tensor();
  LinearCrossEntropy(o.x, weight_t, o.bias.detach(), o.labels, 3).backward();
  EXPECT_TRUE(torch::allclose(o.x.grad(), expected.x, 1e-4, 1e-6));
  EXPECT_FALSE(weight_t.grad().defined());
}

TEST(LinearCrossEntropy, IsDifferentiableOnceOnly) {
  const Operands o = RandomOperands(8, 4, 12, 0.5, 9);
  torch::Tensor loss = LinearCrossEntropy(o.x, o.weight, o.bias, o.labels);
  EXPECT_THROW(torch::autograd::grad({loss}, {o.x}, {}, /*retain_graph=*/true, /*create_graph=*/true), c10::Error);
  torch::Tensor again = LinearCrossEntropy(o.x, o.weight, o.bias, o.labels);
  again.backward({}, /*retain_graph=*/true);
  EXPECT_THROW(again.backward(), c10::Error);
}

}  // namespace
}  // namespace xstilts
