#include "base/durations.h"

#include <cctype>
#include <cstdlib>
#include <sstream>
#include <vector>

namespace xstilts {
namespace {

bool AllDigits(const std::string& s) {
  if (s.empty() || s.size() > 12) return false;
  for (char c : s) {
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  }
  return true;
}

}  // namespace

bool ParseDuration(const std::string& text, int64_t& seconds) {
  if (text.find(':') != std::string::npos) {  // H:MM:SS or MM:SS
    std::vector<std::string> parts;
    std::stringstream in(text);
    for (std::string part; std::getline(in, part, ':');) parts.push_back(part);
    if (parts.size() < 2 || parts.size() > 3 || text.back() == ':') return false;
    int64_t total = 0;
    for (const std::string& part : parts) {
      if (!AllDigits(part)) return false;
      total = total * 60 + std::strtoll(part.c_str(), nullptr, 10);
    }
    seconds = total;
    return true;
  }
  if (text.size() < 2) return false;
  const std::string number = text.substr(0, text.size() - 1);
  const char unit = text.back();
  if (!AllDigits(number)) return false;
  const int64_t scale = unit == 's' ? 1 : unit == 'm' ? 60 : unit == 'h' ? 3600 : unit == 'd' ? 86400 : unit == 'w' ? 604800 : 0;
  if (scale == 0) return false;
  seconds = std::strtoll(number.c_str(), nullptr, 10) * scale;
  return true;
}

}  // namespace xstilts
