// Text layout for the report's SVG plots (internal to report/): estimated text widths and
// non-overlapping placement of point labels.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace xstilts {

struct LabelBox {
  double left = 0, top = 0, right = 0, bottom = 0;
};

// Approximate width in pixels of `text` in a sans-serif font of `font_size` pixels: 0.6 em per
// character (UTF-8 aware). Generous for lower case, so layouts leave room rather than clip.
double TextWidth(const std::string& text, double font_size);

struct PlacedLabel {
  double x = 0, y = 0;      // the text's anchor point (baseline)
  bool anchor_end = false;  // text-anchor="end": the text ends at x
};

// Places one label per point (`points[i]` is the marker's centre, `widths[i]` its label's width):
// each label takes the first of four spots (above right, below right, above left, below left)
// that stays inside `frame` and overlaps no marker and no label placed before it. Otherwise a spot
// inside the frame beats any outside it, and among those the least overlap wins (the first on a
// tie). Points are served in order, so callers list the most important first. Deterministic.
std::vector<PlacedLabel> PlacePointLabels(const std::vector<std::pair<double, double>>& points,
                                          const std::vector<double>& widths, double font_size,
                                          const LabelBox& frame);

}  // namespace xstilts
