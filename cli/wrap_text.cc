#include "cli/wrap_text.h"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>

namespace xstilts {
namespace {

// Appends `line` wrapped to `width`; the spaces between words are kept where no break falls.
void WrapLine(const std::string& line, size_t width, size_t hang, std::string& out) {
  const size_t lead = line.find_first_not_of(' ');
  if (line.size() <= width || lead == std::string::npos) {
    out += line;
    return;
  }
  const std::string indent(std::min(lead + hang, width / 2), ' ');
  out += line.substr(0, lead);
  size_t column = lead;
  size_t pos = lead;
  bool first_word = true;
  while (pos < line.size()) {
    const size_t word_start = line.find_first_not_of(' ', pos);
    if (word_start == std::string::npos) break;
    const size_t word_end = std::min(line.find(' ', word_start), line.size());
    const size_t gap = word_start - pos;
    const size_t length = word_end - word_start;
    if (!first_word && column + gap + length > width) {
      out += "\n" + indent;
      column = indent.size();
    } else {
      out.append(gap, ' ');
      column += gap;
    }
    out.append(line, word_start, length);
    column += length;
    first_word = false;
    pos = word_end;
  }
}

}  // namespace

size_t TerminalWidth(std::FILE* stream) {
  winsize size{};
  if (isatty(fileno(stream)) && ioctl(fileno(stream), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) return size.ws_col;
  if (const char* columns = std::getenv("COLUMNS")) {
    const long n = std::strtol(columns, nullptr, 10);
    if (n > 0) return static_cast<size_t>(n);
  }
  return 0;
}

std::string WrapLines(const std::string& text, size_t width, size_t hang) {
  if (width == 0) return text;
  std::string out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    const bool newline = end != std::string::npos;
    if (!newline) end = text.size();
    WrapLine(text.substr(start, end - start), width, hang, out);
    if (newline) out += '\n';
    start = end + 1;
  }
  return out;
}

}  // namespace xstilts
