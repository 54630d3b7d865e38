#include "eval/text_lines.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/input_error.h"
#include "base/unicode.h"

namespace xstilts {

std::string ReadFileBytes(const std::filesystem::path& path) {
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw InputError(path.string(), 0, "is a directory, expected a file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw InputError(path.string(), 0, std::string("cannot read (") + std::strerror(errno) + ")");
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) throw InputError(path.string(), 0, "cannot read (I/O error)");
  return buffer.str();
}

std::vector<StrippedLine> SplitStrippedLines(const std::string& content, const std::string& path) {
  std::vector<StrippedLine> lines;
  long number = 0;
  std::size_t begin = 0;
  std::u32string scratch;
  const auto emit = [&](std::size_t end) {
    ++number;
    const std::string_view raw(content.data() + begin, end - begin);
    std::size_t bad = 0;
    if (!unicode::DecodeUtf8(raw, scratch, bad)) {
      throw InputError(path, number,
                       "invalid UTF-8 at byte " + std::to_string(bad + 1) + " of the line");
    }
    lines.push_back(StrippedLine{std::string(unicode::StripUtf8(raw)), number});
  };
  std::size_t i = 0;
  while (i < content.size()) {
    const char c = content[i];
    if (c == '\n' || c == '\r') {
      emit(i);
      i += (c == '\r' && i + 1 < content.size() && content[i + 1] == '\n') ? 2 : 1;
      begin = i;
    } else {
      ++i;
    }
  }
  if (begin < content.size()) emit(content.size());
  return lines;
}

std::vector<StrippedLine> ReadStrippedLines(const std::filesystem::path& path) {
  return SplitStrippedLines(ReadFileBytes(path), path.string());
}

}  // namespace xstilts
