#include "base/messages.h"

#include <unistd.h>

#include <atomic>
#include <cstdlib>
#include <cstring>

namespace xstilts {
namespace {

std::atomic<bool> g_stdout_color{false};
std::atomic<bool> g_stderr_color{false};

bool WantsColor(int fd, ColorChoice choice) {
  if (choice != ColorChoice::kAuto) return choice == ColorChoice::kAlways;
  const char* no_color = std::getenv("NO_COLOR");
  if (no_color != nullptr && *no_color != '\0') return false;
  const char* term = std::getenv("TERM");
  if (term != nullptr && std::strcmp(term, "dumb") == 0) return false;
  return isatty(fd) != 0;
}

const char* Code(Tone tone) {
  switch (tone) {
    case Tone::kGood: return "\x1b[32m";
    case Tone::kBad: return "\x1b[1;31m";
    case Tone::kWarn: return "\x1b[33m";
    case Tone::kDim: return "\x1b[2m";
    case Tone::kBold: return "\x1b[1m";
  }
  return "";
}

// Where a label may start in `line`: at 0, or after a leading "file:line:col: " location.
size_t LabelStart(std::string_view line) {
  for (const char* label : {"error:", "warning:", "note:"}) {
    if (line.substr(0, std::strlen(label)) == label) return 0;
  }
  for (const char* label : {": error:", ": warning:", ": note:"}) {
    const size_t at = line.find(label);
    if (at != std::string_view::npos && line.substr(0, at).find(' ') == std::string_view::npos) return at + 2;
  }
  return std::string_view::npos;
}

void Print(const char* label, Tone tone, const std::string& message) {
  const std::string text = Paint(label, tone) + " " + message + "\n";
  std::fputs(text.c_str(), stderr);
}

}  // namespace

bool ParseColorChoice(std::string_view text, ColorChoice& choice) {
  if (text == "auto") choice = ColorChoice::kAuto;
  else if (text == "always") choice = ColorChoice::kAlways;
  else if (text == "never") choice = ColorChoice::kNever;
  else return false;
  return true;
}

void ChooseColor(ColorChoice choice) {
  g_stdout_color = WantsColor(STDOUT_FILENO, choice);
  g_stderr_color = WantsColor(STDERR_FILENO, choice);
}

bool ColorOn(std::FILE* stream) {
  if (stream == stdout) return g_stdout_color;
  if (stream == stderr) return g_stderr_color;
  return false;
}

std::string Paint(std::string_view text, Tone tone, std::FILE* stream) {
  if (!ColorOn(stream)) return std::string(text);
  return std::string(Code(tone)) + std::string(text) + "\x1b[0m";
}

std::string PaintLabels(const std::string& text, std::FILE* stream) {
  if (!ColorOn(stream)) return text;
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    const std::string_view line = std::string_view(text).substr(start, end - start);
    const size_t at = LabelStart(line);
    if (at == std::string_view::npos) {
      out += line;
    } else {
      const size_t colon = line.find(':', at);
      const std::string_view label = line.substr(at, colon + 1 - at);
      const Tone tone = label == "error:" ? Tone::kBad : label == "warning:" ? Tone::kWarn : Tone::kBold;
      out += std::string(line.substr(0, at)) + Paint(label, tone, stream) + std::string(line.substr(colon + 1));
    }
    if (end < text.size()) out += '\n';
    start = end + 1;
  }
  return out;
}

void PrintError(const std::string& message) { Print("error:", Tone::kBad, message); }
void PrintWarning(const std::string& message) { Print("warning:", Tone::kWarn, message); }
void PrintNote(const std::string& message) { Print("note:", Tone::kBold, message); }

}  // namespace xstilts
