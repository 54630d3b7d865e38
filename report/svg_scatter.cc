// The compute-vs-gain scatter and its Pareto front (see svg_plots.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "report/formatting.h"
#include "report/svg_axis.h"
#include "report/svg_labels.h"
#include "report/svg_plots.h"

namespace xstilts {
namespace {

constexpr double kWidth = 760, kHeight = 460;
constexpr double kLeft = 70, kRight = 590, kTop = 30, kBottom = 400;
constexpr double kLogSpan = 30;  // beyond this ratio of largest to smallest compute, use a log axis
constexpr double kZeroGap = 26;  // log axes: pixels between the "0" position and the first decade
constexpr int kLabelFontSize = 10;
const char kMultilingualColour[] = "#1f77b4";
const char kMonolingualColour[] = "#ff7f0e";
const char kFrontColour[] = "#2ca02c";

std::string Marker(ModelGroup group, double x, double y) {
  if (group == ModelGroup::kMonolingual) {
    return fmt::format(R"(<rect x="{}" y="{}" width="9" height="9" fill="{}" stroke="#333" stroke-width="0.5"/>)",
                       Px(x - 4.5), Px(y - 4.5), kMonolingualColour);
  }
  return fmt::format(R"(<circle cx="{}" cy="{}" r="5" fill="{}" stroke="#333" stroke-width="0.5"/>)", Px(x), Px(y),
                     kMultilingualColour);
}

}  // namespace

std::vector<size_t> ParetoFront(const std::vector<std::pair<double, double>>& points) {
  std::vector<size_t> front;
  for (size_t i = 0; i < points.size(); ++i) {
    const auto& [cost, gain] = points[i];
    if (std::isnan(cost) || std::isnan(gain)) continue;
    bool dominated = false;
    for (size_t j = 0; j < points.size() && !dominated; ++j) {
      const auto& [other_cost, other_gain] = points[j];
      dominated = other_cost <= cost && other_gain >= gain && (other_cost < cost || other_gain > gain);
    }
    if (!dominated) front.push_back(i);
  }
  std::sort(front.begin(), front.end(), [&points](size_t a, size_t b) {
    if (points[a].first != points[b].first) return points[a].first < points[b].first;
    if (points[a].second != points[b].second) return points[a].second > points[b].second;
    return a < b;
  });
  return front;
}

std::vector<ScatterPoint> ScatterPoints(const Study& study) {
  std::vector<ScatterPoint> points;
  for (const std::string& model : study.models) {
    auto group = study.groups.find(model);
    for (const std::string& intermediate : study.intermediates) {
      auto compute = study.intermediate_compute.find({model, intermediate});
      std::optional<double> gain = study.AverageGain(model, intermediate);
      if (compute == study.intermediate_compute.end() || !gain) continue;
      points.push_back({model, intermediate, group == study.groups.end() ? ModelGroup::kMultilingual : group->second,
                        compute->second.pflops(), *gain});
    }
  }
  return points;
}

namespace {

// Where a point goes: the axes, and the unit the x axis counts in.
struct ScatterFrame {
  bool log = false;       // log x axis
  bool has_zero = false;  // some point has no compute (drawn at the "0" position of a log axis)
  double zero_pixel = kLeft + 12;
  // The axis counts in the largest unit of PFLOP, TFLOP, GFLOP, MFLOP that keeps the largest
  // value at 1 or more, so its ticks read 2, 4, 6 rather than 0.000002, 0.000004, 0.000006.
  const char* unit = "PFLOP";
  double per_pflop = 1;
  Axis x_axis, y_axis;

  double X(double pflops) const { return log && pflops <= 0 ? zero_pixel : x_axis.Map(pflops * per_pflop); }
  double Y(double gain) const { return y_axis.Map(gain); }
};

ScatterFrame MakeFrame(const std::vector<ScatterPoint>& points) {
  ScatterFrame frame;
  double min_positive = 0, max_x = 0, min_y = 0, max_y = 0;
  for (const ScatterPoint& p : points) {
    max_x = std::max(max_x, p.pflops);
    if (p.pflops > 0) min_positive = min_positive == 0 ? p.pflops : std::min(min_positive, p.pflops);
    frame.has_zero = frame.has_zero || p.pflops <= 0;
    min_y = std::min(min_y, p.gain);
    max_y = std::max(max_y, p.gain);
  }
  frame.log = min_positive > 0 && max_x / min_positive > kLogSpan;
  for (const char* smaller : {"TFLOP", "GFLOP", "MFLOP"}) {
    if (max_x * frame.per_pflop >= 1 || max_x <= 0) break;
    frame.unit = smaller;
    frame.per_pflop *= 1000;
  }
  min_positive *= frame.per_pflop;
  max_x *= frame.per_pflop;
  // Margins keep the extreme points (and their labels) off the frame.
  const double y_pad = 0.08 * (max_y - min_y);
  frame.x_axis = frame.log ? LogAxis(min_positive / 1.3, max_x * 1.3,
                                     frame.has_zero ? kLeft + 12 + kZeroGap : kLeft, kRight)
                           : LinearAxis(0, max_x > 0 ? max_x * 1.08 : 1, kLeft, kRight, 6);
  frame.y_axis = LinearAxis(min_y < 0 ? min_y - y_pad : 0, max_y > 0 ? max_y + y_pad : 0, kBottom, kTop, 6);
  return frame;
}

// Grid lines, tick labels, the zero-gain line and the axis titles.
std::string RenderAxes(const ScatterFrame& frame) {
  std::string svg;
  std::vector<AxisTick> x_ticks = frame.x_axis.ticks;
  if (frame.log && frame.has_zero) x_ticks.insert(x_ticks.begin(), AxisTick{0, "0"});
  for (const AxisTick& tick : x_ticks) {
    // Ticks are in `unit`.
    const double x = frame.log && tick.value <= 0 ? frame.zero_pixel : frame.x_axis.Map(tick.value);
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{0}" y2="{2}" stroke="#e5e5e5"/>)"
                       R"(<text x="{0}" y="{3}" text-anchor="middle">{4}</text>)"
                       "\n",
                       Px(x), Px(kTop), Px(kBottom), Px(kBottom + 15), EscapeXml(tick.label));
  }
  for (const AxisTick& tick : frame.y_axis.ticks) {
    const double y = frame.Y(tick.value);
    svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#e5e5e5"/>)"
                       R"(<text x="{3}" y="{4}" text-anchor="end">{5}</text>)"
                       "\n",
                       Px(kLeft), Px(y), Px(kRight), Px(kLeft - 6), Px(y + 4), EscapeXml(tick.label));
  }
  svg += fmt::format(R"(<line x1="{0}" y1="{1}" x2="{2}" y2="{1}" stroke="#555" stroke-width="1.2"/>)"
                     "\n",
                     Px(kLeft), Px(frame.Y(0)), Px(kRight));
  svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle" font-size="12">intermediate training compute ({}{})</text>)"
                     "\n",
                     Px((kLeft + kRight) / 2), Px(kBottom + 36), frame.unit, frame.log ? ", log scale" : "");
  svg += fmt::format(R"svg(<text transform="translate({},{}) rotate(-90)" text-anchor="middle" font-size="12">)svg"
                     "average gain over baseline (points)</text>\n",
                     Px(kLeft - 46), Px((kTop + kBottom) / 2));
  return svg;
}

// The Pareto front as a staircase through its points, each circled.
std::string RenderFront(const std::vector<ScatterPoint>& points, const std::vector<size_t>& front,
                        const ScatterFrame& frame) {
  std::string path;
  for (size_t k = 0; k < front.size(); ++k) {
    const double x = frame.X(points[front[k]].pflops), y = frame.Y(points[front[k]].gain);
    path += k == 0 ? fmt::format("M {} {}", Px(x), Px(y)) : fmt::format(" H {} V {}", Px(x), Px(y));
  }
  std::string svg = fmt::format(
      R"(<path class="pareto" d="{}" fill="none" stroke="{}" stroke-width="1.5" stroke-dasharray="5 3"/>)"
      "\n",
      path, kFrontColour);
  for (size_t index : front) {
    svg += fmt::format(R"(<circle class="pareto-point" cx="{}" cy="{}" r="9" fill="none" stroke="{}" stroke-width="2"/>)"
                       "\n",
                       Px(frame.X(points[index].pflops)), Px(frame.Y(points[index].gain)), kFrontColour);
  }
  return svg;
}

// The markers and their labels: the Pareto front's first, then the rest, each where it overlaps
// nothing if it can.
std::string RenderPoints(const std::vector<ScatterPoint>& points, const std::vector<size_t>& front,
                         const ScatterFrame& frame) {
  std::vector<size_t> label_order = front;
  for (size_t i = 0; i < points.size(); ++i) {
    if (std::find(front.begin(), front.end(), i) == front.end()) label_order.push_back(i);
  }
  std::vector<std::pair<double, double>> ordered_anchors;
  std::vector<double> widths;
  for (size_t i : label_order) {
    ordered_anchors.emplace_back(frame.X(points[i].pflops), frame.Y(points[i].gain));
    widths.push_back(TextWidth(points[i].model + " / " + points[i].intermediate, kLabelFontSize));
  }
  const std::vector<PlacedLabel> labels =
      PlacePointLabels(ordered_anchors, widths, kLabelFontSize, LabelBox{kLeft + 2, kTop + 2, kRight - 2, kBottom - 2});
  std::string svg;
  for (size_t k = 0; k < label_order.size(); ++k) {
    const ScatterPoint& p = points[label_order[k]];
    const auto [x, y] = ordered_anchors[k];
    const std::string name = EscapeXml(p.model + " / " + p.intermediate);
    svg += fmt::format("<g class=\"point\"><title>{}: {} {}, {} points</title>{}</g>"
                       R"(<text x="{}" y="{}" font-size="{}" fill="#333"{}>{}</text>)"
                       "\n",
                       name, FormatQuantity(p.pflops * frame.per_pflop), frame.unit, FormatSigned(p.gain, 2),
                       Marker(p.group, x, y), Px(labels[k].x), Px(labels[k].y), kLabelFontSize,
                       labels[k].anchor_end ? " text-anchor=\"end\"" : "", name);
  }
  return svg;
}

std::string RenderLegend() {
  const double legend_x = kRight + 18;
  std::string svg = Marker(ModelGroup::kMultilingual, legend_x + 6, kTop + 12);
  svg += fmt::format(R"(<text x="{}" y="{}">multilingual</text>)", Px(legend_x + 18), Px(kTop + 16));
  svg += Marker(ModelGroup::kMonolingual, legend_x + 6, kTop + 32);
  svg += fmt::format(R"(<text x="{}" y="{}">monolingual</text>)", Px(legend_x + 18), Px(kTop + 36));
  svg += fmt::format(R"(<line x1="{0}" y1="{2}" x2="{1}" y2="{2}" stroke="{3}" stroke-width="1.5" stroke-dasharray="5 3"/>)"
                     R"(<text x="{4}" y="{5}">Pareto front</text>)",
                     Px(legend_x), Px(legend_x + 12), Px(kTop + 52), kFrontColour, Px(legend_x + 18), Px(kTop + 56));
  return svg;
}

}  // namespace

std::string RenderGainScatterSvg(const Study& study) {
  const std::vector<ScatterPoint> points = ScatterPoints(study);
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="sans-serif" font-size="11" role="img">)"
      "\n<title>Intermediate-task compute vs average gain</title>\n"
      R"(<rect x="0" y="0" width="{0}" height="{1}" fill="#ffffff"/>)"
      "\n",
      kWidth, kHeight);
  svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="{}" fill="none" stroke="#999"/>)"
                     "\n",
                     Px(kLeft), Px(kTop), Px(kRight - kLeft), Px(kBottom - kTop));
  if (points.empty()) {
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">no intermediate task has both compute and a gain</text>)"
                       "\n</svg>",
                       Px((kLeft + kRight) / 2), Px((kTop + kBottom) / 2));
    return svg;
  }
  const ScatterFrame frame = MakeFrame(points);
  std::vector<std::pair<double, double>> coordinates;
  for (const ScatterPoint& p : points) coordinates.emplace_back(p.pflops, p.gain);
  const std::vector<size_t> front = ParetoFront(coordinates);
  svg += RenderAxes(frame);
  svg += RenderFront(points, front, frame);
  svg += RenderPoints(points, front, frame);
  svg += RenderLegend();
  svg += "\n</svg>";
  return svg;
}

}  // namespace xstilts
