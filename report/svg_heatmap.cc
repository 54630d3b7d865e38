// The language x target heat map of one model's gains (see svg_plots.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "report/formatting.h"
#include "report/svg_axis.h"
#include "report/svg_labels.h"
#include "report/svg_plots.h"

namespace xstilts {
namespace {

constexpr double kLeft = 80, kTop = 56, kCellWidth = 96, kCellHeight = 28;
constexpr int kLegendSteps = 11;
constexpr int kTitleFontSize = 13;
const char kEmptyColour[] = "#d9d9d9";

struct Rgb {
  double r, g, b;
};
constexpr Rgb kWhite{255, 255, 255}, kGain{33, 102, 172}, kLoss{178, 24, 43};

// t in [-1, 1]: -1 = full loss colour, 0 = white, 1 = full gain colour.
std::string Colour(double t) {
  t = std::clamp(t, -1.0, 1.0);
  const Rgb& end = t >= 0 ? kGain : kLoss;
  const double a = std::fabs(t);
  auto mix = [a](double from, double to) { return static_cast<int>(std::lround(from + (to - from) * a)); };
  return fmt::format("#{:02x}{:02x}{:02x}", mix(kWhite.r, end.r), mix(kWhite.g, end.g), mix(kWhite.b, end.b));
}

const char* TextColour(double t) { return std::fabs(t) > 0.6 ? "#ffffff" : "#111111"; }

std::vector<std::string> ModelLanguages(const Study& study, const std::string& model) {
  std::vector<std::string> languages;
  for (const std::string& language : study.languages) {
    for (const auto& [cell, row] : study.scores) {
      if (cell.model == model && row.by_language.count(language) != 0) {
        languages.push_back(language);
        break;
      }
    }
  }
  return languages;
}

// The largest gain magnitude in any model's heat map: one symmetric scale for all of them, so
// that a colour means the same number of points in every map of a report.
double SharedScale(const Study& study) {
  double scale = 0;
  for (const std::string& model : study.models) {
    for (const std::string& language : ModelLanguages(study, model)) {
      for (const std::string& target : study.targets) {
        if (std::optional<double> gain = study.MeanGainOverIntermediates(model, target, language)) {
          scale = std::max(scale, std::fabs(*gain));
        }
      }
    }
  }
  return scale == 0 ? 1 : scale;  // all gains zero (or none): every cell white
}

}  // namespace

std::string RenderGainHeatMapSvg(const Study& study, const std::string& model) {
  const std::vector<std::string> languages = ModelLanguages(study, model);
  const std::vector<std::string>& targets = study.targets;
  std::vector<std::vector<std::optional<double>>> values(languages.size());
  for (size_t r = 0; r < languages.size(); ++r) {
    for (const std::string& target : targets) {
      values[r].push_back(study.MeanGainOverIntermediates(model, target, languages[r]));
    }
  }
  const double scale = SharedScale(study);

  const double grid_bottom = kTop + kCellHeight * languages.size();
  const std::string title = fmt::format("{}: mean gain over {} intermediate tasks (points)", model,
                                        study.intermediates.size());
  const double width =
      std::max({kLeft + kCellWidth * targets.size() + 20, 20 + TextWidth(title, kTitleFontSize), 360.0});
  const double height = grid_bottom + 84;
  std::string svg = fmt::format(
      R"(<svg xmlns="http://www.w3.org/2000/svg" width="{0}" height="{1}" viewBox="0 0 {0} {1}" )"
      R"(font-family="sans-serif" font-size="11" role="img">)"
      "\n<title>{2}: gain per language and target task</title>\n"
      R"(<rect x="0" y="0" width="{0}" height="{1}" fill="#ffffff"/>)"
      "\n"
      R"(<text x="10" y="18" font-size="{3}">{4}</text>)"
      "\n",
      Px(width), Px(height), EscapeXml(model), kTitleFontSize, EscapeXml(title));

  for (size_t c = 0; c < targets.size(); ++c) {
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="middle">{}</text>)"
                       "\n",
                       Px(kLeft + kCellWidth * (c + 0.5)), Px(kTop - 8), EscapeXml(targets[c]));
  }
  for (size_t r = 0; r < languages.size(); ++r) {
    const double y = kTop + kCellHeight * r;
    svg += fmt::format(R"(<text x="{}" y="{}" text-anchor="end">{}</text>)"
                       "\n",
                       Px(kLeft - 8), Px(y + kCellHeight / 2 + 4), EscapeXml(languages[r]));
    for (size_t c = 0; c < targets.size(); ++c) {
      const double x = kLeft + kCellWidth * c;
      const std::optional<double>& value = values[r][c];
      const double t = value ? *value / scale : 0;
      const std::string text = value ? FormatSigned(*value, 1) : "-";
      svg += fmt::format(
          R"(<g><title>{} / {} / {}: {}</title><rect class="cell" x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="#ffffff"/>)"
          R"(<text x="{}" y="{}" text-anchor="middle" fill="{}">{}</text></g>)"
          "\n",
          EscapeXml(model), EscapeXml(targets[c]), EscapeXml(languages[r]), text, Px(x), Px(y), Px(kCellWidth),
          Px(kCellHeight), value ? Colour(t) : kEmptyColour, Px(x + kCellWidth / 2), Px(y + kCellHeight / 2 + 4),
          value ? TextColour(t) : "#111111", text);
    }
  }

  // Legend: discrete swatches from -scale to +scale (no gradient: gradients need ids, and ids
  // would clash between the several plots of one page).
  const double legend_y = grid_bottom + 22, swatch = 18;
  for (int i = 0; i < kLegendSteps; ++i) {
    const double t = -1 + 2.0 * i / (kLegendSteps - 1);
    svg += fmt::format(R"(<rect x="{}" y="{}" width="{}" height="12" fill="{}"/>)", Px(kLeft + swatch * i),
                       Px(legend_y), Px(swatch), Colour(t));
  }
  const double legend_right = kLeft + swatch * kLegendSteps;
  svg += fmt::format(
      "\n"
      R"(<text x="{0}" y="{3}" text-anchor="start">{4}</text>)"
      R"(<text x="{1}" y="{3}" text-anchor="middle">0</text>)"
      R"(<text x="{2}" y="{3}" text-anchor="end">{5}</text>)"
      "\n"
      R"(<text x="{6}" y="{7}">red = loss, blue = gain; grey "-" = no result</text>)"
      "\n</svg>",
      Px(kLeft), Px((kLeft + legend_right) / 2), Px(legend_right), Px(legend_y + 26), FormatSigned(-scale, 1),
      FormatSigned(scale, 1), Px(kLeft), Px(legend_y + 46));
  return svg;
}

}  // namespace xstilts
