// Wrapping long lines of CLI output to the terminal's width.
#pragma once

#include <cstdio>
#include <string>

namespace xstilts {

// The width of the terminal `stream` writes to; else $COLUMNS when set; else 0 (do not wrap:
// output for a pipe or a file keeps one line per item, for grep).
size_t TerminalWidth(std::FILE* stream);

// Wraps each line of `text` longer than `width` at spaces. A continuation line is indented like
// its line plus `hang` more spaces. A word longer than the room is left whole. `width` 0: `text`.
std::string WrapLines(const std::string& text, size_t width, size_t hang);

}  // namespace xstilts
