// Messages to the person at the terminal: `error:`, `warning:` and `note:` lines on stderr, and
// status words, in colour where the output is a terminal that wants it.
//
// The CLI decides once at start-up (ChooseColor, from --color); until then nothing is coloured.
// Colour follows https://no-color.org: with kAuto, a stream gets colour only when it is a
// terminal, NO_COLOR is unset or empty, and TERM is not "dumb". Thread-safe after ChooseColor.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

namespace xstilts {

enum class ColorChoice { kAuto, kAlways, kNever };
enum class Tone { kGood, kBad, kWarn, kDim, kBold };

// Parses "auto", "always" or "never"; false for anything else.
bool ParseColorChoice(std::string_view text, ColorChoice& choice);
void ChooseColor(ColorChoice choice);
// Whether text written to `stream` (stdout or stderr) is coloured.
bool ColorOn(std::FILE* stream);

// `text` in `tone` when `stream` is coloured, else `text` itself.
std::string Paint(std::string_view text, Tone tone, std::FILE* stream = stderr);
// Colours the labels `error:`, `warning:` and `note:` where a line starts with one or has one
// after a `file:line:col: ` location (compiler style); the rest of the text stays as it is.
std::string PaintLabels(const std::string& text, std::FILE* stream = stderr);

// "error: <message>\n" (and so on) on stderr; `message` may span lines.
void PrintError(const std::string& message);
void PrintWarning(const std::string& message);
void PrintNote(const std::string& message);

}  // namespace xstilts
