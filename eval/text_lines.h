// Reads a text file the way XTREME's evaluate.py does (`for line in open(path)`): UTF-8, universal
// newlines ("\n", "\r\n" and a lone "\r" all end a line), no empty last line for a file that ends
// with a newline. Each line is returned stripped of surrounding whitespace (Python str.strip()).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace xstilts {

struct StrippedLine {
  std::string text;  // UTF-8, stripped
  long number = 0;   // 1-based line number in the file
};

// Throws InputError (base/input_error.h) when the file cannot be read (`path: cannot read ...`)
// or a line is not valid UTF-8 (`path:N: invalid UTF-8 at byte K of the line`).
std::vector<StrippedLine> ReadStrippedLines(const std::filesystem::path& path);

// Splits `content` (already read from `path`, which only names it in errors) into stripped lines.
std::vector<StrippedLine> SplitStrippedLines(const std::string& content, const std::string& path);

// Reads a whole file; throws InputError `path: cannot read (...)` when it cannot.
std::string ReadFileBytes(const std::filesystem::path& path);

}  // namespace xstilts
