#include "report/formatting.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

namespace xstilts {

std::string EscapeXml(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

std::string EscapeMarkdownCell(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '|': out += "\\|"; break;
      case '\\': out += "\\\\"; break;
      case '<': out += "\\<"; break;
      case '\n':
      case '\r': out += ' '; break;
      default: out += c;
    }
  }
  return out;
}

std::string QuoteCsvField(const std::string& field) {
  if (field.find_first_of(",\"\r\n") == std::string::npos) return field;
  std::string out = "\"";
  for (char c : field) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

std::string FormatFixed(double value, int decimals) {
  std::string text = fmt::format("{:.{}f}", value, decimals);
  // "-0.0" reads as a loss that is not there.
  if (text[0] == '-' && text.find_first_not_of("-0.") == std::string::npos) text.erase(0, 1);
  return text;
}

std::string FormatSigned(double value, int decimals) {
  std::string text = FormatFixed(value, decimals);
  return text[0] == '-' ? text : "+" + text;
}

std::vector<std::string> FormatQuantityColumn(const std::vector<std::optional<double>>& values, bool sign) {
  bool scientific = false;
  double smallest = 0;
  for (const std::optional<double>& v : values) {
    if (!v || *v == 0) continue;
    const double magnitude = std::fabs(*v);
    if (magnitude >= 1e5 || magnitude < 1e-3) scientific = true;
    smallest = smallest == 0 ? magnitude : std::min(smallest, magnitude);
  }
  const int decimals = smallest == 0 ? 0 : std::clamp(2 - static_cast<int>(std::floor(std::log10(smallest))), 0, 6);
  std::vector<std::string> out;
  for (const std::optional<double>& v : values) {
    if (!v) {
      out.push_back("-");
      continue;
    }
    std::string text = *v == 0 ? "0" : scientific ? fmt::format("{:.2e}", *v) : FormatFixed(*v, decimals);
    if (sign && text[0] != '-') text = "+" + text;
    out.push_back(std::move(text));
  }
  return out;
}

std::string FormatQuantity(double value, bool sign) { return FormatQuantityColumn({value}, sign).front(); }

std::string FormatHoursMinutesSeconds(double seconds) {
  const long long total = std::llround(std::max(0.0, seconds));
  return fmt::format("{}:{:02}:{:02}", total / 3600, (total / 60) % 60, total % 60);
}

}  // namespace xstilts
