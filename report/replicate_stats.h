// Statistics over replicates (seeds): mean, sample standard deviation and the two-sided 95%
// Student-t interval of a mean. Pure functions; docs/report.md says why a t-interval over seeds.
#pragma once

#include <optional>
#include <vector>

namespace xstilts {

double Mean(const std::vector<double>& values);  // 0 for none
// Sample standard deviation (n - 1 in the denominator); empty for fewer than 2 values.
std::optional<double> SampleSd(const std::vector<double>& values);
// The 0.975 quantile of Student's t with `df` >= 1 degrees of freedom (12.706 for 1, 4.303 for 2,
// 1.960 as df grows); exact to the 3 decimals of the usual tables.
double StudentT975(int df);

// A mean with its 95% interval: mean ± t(0.975, n-1) · sd / √n. No interval for n < 2.
struct MeanInterval {
  double mean = 0;
  int n = 0;
  std::optional<double> sd;
  std::optional<double> low;
  std::optional<double> high;
  // The interval exists and lies entirely above or below 0.
  bool ExcludesZero() const { return low && high && (*low > 0 || *high < 0); }
};
MeanInterval TInterval95(const std::vector<double>& values);

}  // namespace xstilts
