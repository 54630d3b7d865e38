#include "base/byte_sizes.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace xstilts {

std::string FormatBytes(int64_t bytes) {
  const char* units[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  int unit = 0;
  while (value >= 1024 && unit < 4) {
    value /= 1024;
    ++unit;
  }
  char buffer[32];
  std::snprintf(buffer, sizeof(buffer), unit == 0 ? "%.0f %s" : "%.1f %s", value, units[unit]);
  return buffer;
}

bool ParseBytes(const std::string& text, uint64_t& bytes) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) return false;
  char* end = nullptr;
  const double value = std::strtod(text.c_str(), &end);
  std::string unit(end);
  for (char& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit == "KB" || unit == "KIB") unit = "K";
  if (unit == "MB" || unit == "MIB") unit = "M";
  if (unit == "GB" || unit == "GIB") unit = "G";
  if (unit == "TB" || unit == "TIB") unit = "T";
  double scale = 1;
  if (unit == "K") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "B") return false;
  if (!std::isfinite(value) || value < 0 || value * scale > 1.8e19) return false;
  bytes = static_cast<uint64_t>(value * scale);
  return true;
}

}  // namespace xstilts
