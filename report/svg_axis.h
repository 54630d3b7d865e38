// Axes for the report's SVG plots (internal to report/): value -> pixel mapping and tick choice.
#pragma once

#include <string>
#include <vector>

namespace xstilts {

struct AxisTick {
  double value = 0;
  std::string label;
};

struct Axis {
  double lo = 0, hi = 1;          // the domain (log10 of it when log)
  double pixel_lo = 0, pixel_hi = 1;
  bool log = false;
  std::vector<AxisTick> ticks;

  // Pixel of `value`; log axes need value > 0.
  double Map(double value) const;
};

// Linear axis over [lo, hi] extended to "nice" tick steps (1, 2 or 5 x 10^k), about `count` ticks.
// lo == hi widens to a unit around the value.
Axis LinearAxis(double lo, double hi, double pixel_lo, double pixel_hi, int count);
// Log10 axis over [lo, hi] (both > 0) extended to whole decades; ticks at powers of ten, plus 2x
// and 5x when it spans fewer than three decades.
Axis LogAxis(double lo, double hi, double pixel_lo, double pixel_hi);

// A coordinate for SVG: two decimals, no negative zero.
std::string Px(double value);

}  // namespace xstilts
