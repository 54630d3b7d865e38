#include "report/replicate_stats.h"

#include <cmath>
#include <stdexcept>

namespace xstilts {

double Mean(const std::vector<double>& values) {
  if (values.empty()) return 0;
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

std::optional<double> SampleSd(const std::vector<double>& values) {
  if (values.size() < 2) return std::nullopt;
  const double mean = Mean(values);
  double squares = 0;
  for (double v : values) squares += (v - mean) * (v - mean);
  return std::sqrt(squares / static_cast<double>(values.size() - 1));
}

double StudentT975(int df) {
  if (df < 1) throw std::invalid_argument("StudentT975: degrees of freedom must be at least 1");
  // Tabulated for 1..30 (these are the values of every statistics textbook's t table).
  static constexpr double kTable[] = {12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
                                      2.201,  2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
                                      2.080,  2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042};
  if (df <= 30) return kTable[df - 1];
  // Beyond: the Cornish-Fisher expansion around the normal quantile, within 0.001 of the table.
  const double z = 1.959964;
  const double n = df;
  return z + (z * z * z + z) / (4 * n) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * n * n);
}

MeanInterval TInterval95(const std::vector<double>& values) {
  MeanInterval out;
  out.n = static_cast<int>(values.size());
  out.mean = Mean(values);
  out.sd = SampleSd(values);
  if (out.sd) {
    const double half = StudentT975(out.n - 1) * *out.sd / std::sqrt(static_cast<double>(out.n));
    out.low = out.mean - half;
    out.high = out.mean + half;
  }
  return out;
}

}  // namespace xstilts
