#include "report/svg_labels.h"

#include <algorithm>
#include <limits>

namespace xstilts {
namespace {

constexpr double kMarkerRadius = 9;  // markers (r 5 circles, 9 px squares) and the front's r 9 rings
constexpr double kGap = 10;          // between a marker's centre and its label (clear of the front's rings)

double Overlap(const LabelBox& a, const LabelBox& b) {
  const double w = std::min(a.right, b.right) - std::max(a.left, b.left);
  const double h = std::min(a.bottom, b.bottom) - std::max(a.top, b.top);
  return w > 0 && h > 0 ? w * h : 0;
}

bool Inside(const LabelBox& box, const LabelBox& frame) {
  return box.left >= frame.left && box.right <= frame.right && box.top >= frame.top && box.bottom <= frame.bottom;
}

}  // namespace

double TextWidth(const std::string& text, double font_size) {
  size_t characters = 0;
  for (unsigned char c : text) characters += (c & 0xC0) != 0x80;  // count UTF-8 lead bytes
  return 0.6 * font_size * static_cast<double>(characters);
}

std::vector<PlacedLabel> PlacePointLabels(const std::vector<std::pair<double, double>>& points,
                                          const std::vector<double>& widths, double font_size,
                                          const LabelBox& frame) {
  std::vector<LabelBox> taken;
  for (const auto& [x, y] : points) {
    taken.push_back({x - kMarkerRadius, y - kMarkerRadius, x + kMarkerRadius, y + kMarkerRadius});
  }
  const double ascent = 0.8 * font_size, descent = 0.25 * font_size;
  std::vector<PlacedLabel> placed;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto [x, y] = points[i];
    const double width = i < widths.size() ? widths[i] : 0;
    PlacedLabel best;
    LabelBox best_box;
    double best_overlap = std::numeric_limits<double>::infinity();
    bool best_inside = false;
    for (const auto& [right_side, above] : {std::pair{true, true}, {true, false}, {false, true}, {false, false}}) {
      PlacedLabel label{right_side ? x + kGap : x - kGap, above ? y - kGap + 1 : y + kGap + ascent - 1, !right_side};
      const LabelBox box{label.anchor_end ? label.x - width : label.x, label.y - ascent,
                         label.anchor_end ? label.x : label.x + width, label.y + descent};
      double overlap = 0;
      for (size_t k = 0; k < taken.size(); ++k) {
        if (k != i) overlap += Overlap(box, taken[k]);
      }
      const bool inside = Inside(box, frame);
      // A spot inside the frame beats any outside; then less overlap wins; ties keep the first.
      if ((inside && !best_inside) || (inside == best_inside && overlap < best_overlap)) {
        best = label;
        best_box = box;
        best_overlap = overlap;
        best_inside = inside;
      }
      if (inside && overlap == 0) break;
    }
    placed.push_back(best);
    taken.push_back(best_box);
  }
  return placed;
}

}  // namespace xstilts
