#include "report/svg_axis.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "report/formatting.h"

namespace xstilts {

double Axis::Map(double value) const {
  const double v = log ? std::log10(value) : value;
  return pixel_lo + (v - lo) / (hi - lo) * (pixel_hi - pixel_lo);
}

Axis LinearAxis(double lo, double hi, double pixel_lo, double pixel_hi, int count) {
  if (!(hi > lo)) {
    lo -= 0.5;
    hi += 0.5;
  }
  const double raw = (hi - lo) / std::max(1, count);
  const double magnitude = std::pow(10.0, std::floor(std::log10(raw)));
  double step = magnitude;
  for (double factor : {1.0, 2.0, 5.0, 10.0}) {
    step = factor * magnitude;
    if (step >= raw) break;
  }
  // Integer tick indices keep values like 0.3 from drifting to 0.30000000000000004.
  const long long first = static_cast<long long>(std::floor(lo / step + 1e-9));
  const long long last = static_cast<long long>(std::ceil(hi / step - 1e-9));
  const int decimals = std::max(0, -static_cast<int>(std::floor(std::log10(step) + 1e-9)));
  Axis axis;
  axis.lo = first * step;
  axis.hi = last * step;
  axis.pixel_lo = pixel_lo;
  axis.pixel_hi = pixel_hi;
  for (long long i = first; i <= last; ++i) axis.ticks.push_back({i * step, FormatFixed(i * step, decimals)});
  return axis;
}

Axis LogAxis(double lo, double hi, double pixel_lo, double pixel_hi) {
  const int first = static_cast<int>(std::floor(std::log10(lo) + 1e-9));
  int last = static_cast<int>(std::ceil(std::log10(hi) - 1e-9));
  if (last <= first) last = first + 1;
  Axis axis;
  axis.log = true;
  axis.lo = first;
  axis.hi = last;
  axis.pixel_lo = pixel_lo;
  axis.pixel_hi = pixel_hi;
  const bool fine = last - first < 3;
  for (int decade = first; decade <= last; ++decade) {
    for (int factor : {1, 2, 5}) {
      if ((factor != 1 && !fine) || (factor != 1 && decade == last)) continue;
      const double value = factor * std::pow(10.0, decade);
      const std::string label = decade >= -3 && decade < 5 ? FormatFixed(value, std::max(0, -decade))
                                                           : fmt::format("{}e{}", factor, decade);
      axis.ticks.push_back({value, label});
    }
  }
  return axis;
}

std::string Px(double value) { return FormatFixed(value, 2); }

}  // namespace xstilts
