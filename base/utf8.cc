#include "base/utf8.h"

namespace xstilts {
namespace {

bool IsContinuation(unsigned char c) { return (c & 0xC0) == 0x80; }

}  // namespace

// Follows the table of well-formed byte sequences in the Unicode standard (section 3.9).
size_t Utf8SequenceLength(std::string_view text, size_t i) {
  const auto b = [&](size_t k) { return static_cast<unsigned char>(text[i + k]); };
  const size_t left = text.size() - i;
  const unsigned char c = b(0);
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) return left >= 2 && IsContinuation(b(1)) ? 2 : 0;
  if (c >= 0xE0 && c <= 0xEF) {
    if (left < 3) return 0;
    const unsigned char lo = c == 0xE0 ? 0xA0 : 0x80;  // E0: no overlongs
    const unsigned char hi = c == 0xED ? 0x9F : 0xBF;  // ED: no surrogates
    return b(1) >= lo && b(1) <= hi && IsContinuation(b(2)) ? 3 : 0;
  }
  if (c >= 0xF0 && c <= 0xF4) {
    if (left < 4) return 0;
    const unsigned char lo = c == 0xF0 ? 0x90 : 0x80;  // F0: no overlongs
    const unsigned char hi = c == 0xF4 ? 0x8F : 0xBF;  // F4: nothing above U+10FFFF
    return b(1) >= lo && b(1) <= hi && IsContinuation(b(2)) && IsContinuation(b(3)) ? 4 : 0;
  }
  return 0;
}

size_t FindInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    // ASCII runs dominate dataset text; skip them without the table lookup.
    if (static_cast<unsigned char>(text[i]) < 0x80) {
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(text, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

int64_t CountCodePoints(std::string_view text) {
  int64_t n = 0;
  for (char c : text) n += !IsContinuation(static_cast<unsigned char>(c));
  return n;
}

int64_t CodePointToByteOffset(std::string_view text, int64_t code_point) {
  if (code_point < 0) return -1;
  int64_t seen = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    if (IsContinuation(static_cast<unsigned char>(text[i]))) continue;
    if (seen == code_point) return static_cast<int64_t>(i);
    ++seen;
  }
  return seen == code_point ? static_cast<int64_t>(text.size()) : -1;
}

int64_t ByteToCodePointOffset(std::string_view text, int64_t byte_offset) {
  if (byte_offset < 0 || byte_offset > static_cast<int64_t>(text.size())) return -1;
  if (byte_offset < static_cast<int64_t>(text.size()) &&
      IsContinuation(static_cast<unsigned char>(text[byte_offset]))) {
    return -1;
  }
  return CountCodePoints(text.substr(0, static_cast<size_t>(byte_offset)));
}

std::string_view SubstrCodePoints(std::string_view text, int64_t start, int64_t length) {
  const int64_t begin = CodePointToByteOffset(text, start);
  if (begin < 0 || length < 0) return {};
  std::string_view rest = text.substr(static_cast<size_t>(begin));
  int64_t end = CodePointToByteOffset(rest, length);
  if (end < 0) end = static_cast<int64_t>(rest.size());
  return rest.substr(0, static_cast<size_t>(end));
}

}  // namespace xstilts
