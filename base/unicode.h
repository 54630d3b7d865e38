// Unicode text operations with Python 3 `str` semantics, for the XTREME metrics (eval/) and the
// byte-level BPE tokenizer (tokenizer/), which must split and lowercase text as Python does.
//
// XTREME's scorers are Python: they lowercase with str.lower(), split with str.split(), strip with
// str.strip() and find words with re's \w. These functions reproduce those operations over code
// points (tables from Python 3.11, Unicode 14.0; see base/unicode_tables.h). Text comes in and goes
// out as UTF-8. Pure functions: safe to call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xstilts::unicode {

// Decodes UTF-8. Returns false (and leaves `out` partial) on an ill-formed sequence, setting
// `error_offset` to the byte offset of the first bad byte.
bool DecodeUtf8(std::string_view text, std::u32string& out, std::size_t& error_offset);
// Decodes UTF-8, replacing each ill-formed byte with U+FFFD (for text already validated upstream).
std::u32string DecodeUtf8Lossy(std::string_view text);
std::string EncodeUtf8(std::u32string_view text);
// Appends the UTF-8 encoding of one code point.
void AppendUtf8(char32_t c, std::string& out);

// Python's str.lower(): full case mapping, with the final-sigma rule for U+03A3.
std::u32string Lower(std::u32string_view text);

bool IsSpace(char32_t c);        // str.isspace()
bool IsWordChar(char32_t c);     // re's \w for str patterns: isalnum() or '_'
bool IsPunctuation(char32_t c);  // unicodedata.category(c).startswith('P')
bool IsAsciiPunctuation(char32_t c);  // c in string.punctuation

// str.split() with no arguments: runs of IsSpace() separate tokens; no empty tokens.
std::vector<std::u32string> Split(std::u32string_view text);
// str.strip() with no arguments.
std::u32string_view Strip(std::u32string_view text);
// str.strip() on UTF-8 text (ill-formed bytes are kept as they are).
std::string_view StripUtf8(std::string_view text);

// re.sub(r'\b(w1|w2|...)\b', ' ', text) for alternatives made only of word characters: every
// maximal run of word characters that equals one of `words` is replaced by a single space.
std::u32string ReplaceWholeWords(std::u32string_view text, const std::vector<std::u32string>& words);

// The Unicode version of the tables ("14.0.0").
const char* TablesVersion();

}  // namespace xstilts::unicode
