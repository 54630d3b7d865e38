// UTF-8: validation and conversion between code-point and byte offsets. The one UTF-8 decoder
// of xstilts: base/unicode.h (Python str operations) decodes with Utf8SequenceLength too.
//
// Benchmark JSON (SQuAD, XQuAD, MLQA, TyDi QA) counts answer_start in Python str characters,
// i.e. Unicode code points; our strings are UTF-8 bytes. These functions convert between the two.
// All functions are pure and thread-safe. Offsets are 0-based.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace xstilts {

// Length of the well-formed UTF-8 sequence that starts at text[i] (1 to 4), or 0 when it is
// ill-formed. Requires i < text.size().
size_t Utf8SequenceLength(std::string_view text, size_t i);

// Returns the byte offset of the first byte that does not start or continue a well-formed UTF-8
// sequence (overlong forms, surrogates U+D800..U+DFFF and values above U+10FFFF are ill-formed),
// or std::string_view::npos when `text` is valid UTF-8.
size_t FindInvalidUtf8(std::string_view text);

// Number of code points in valid UTF-8 `text`.
int64_t CountCodePoints(std::string_view text);

// Byte offset of code point `code_point` in valid UTF-8 `text`; code_point == CountCodePoints(text)
// gives text.size(). Returns -1 when code_point is negative or past the end.
int64_t CodePointToByteOffset(std::string_view text, int64_t code_point);

// Code-point offset of byte `byte_offset` in valid UTF-8 `text`. Returns -1 when byte_offset is
// negative, past the end, or inside a multi-byte sequence.
int64_t ByteToCodePointOffset(std::string_view text, int64_t byte_offset);

// The substring of `text` from code point `start`, `length` code points long (clamped to the end).
// Returns "" when start is out of range.
std::string_view SubstrCodePoints(std::string_view text, int64_t start, int64_t length);

}  // namespace xstilts
