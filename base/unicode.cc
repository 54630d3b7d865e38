#include "base/unicode.h"

#include <algorithm>

#include "base/unicode_tables.h"
#include "base/utf8.h"

namespace xstilts::unicode {
namespace {

namespace tables = ::xstilts::unicode_tables;

bool InRanges(const tables::CodePointRange* ranges, std::size_t size, char32_t c) {
  const tables::CodePointRange* end = ranges + size;
  // First range whose last >= c.
  const tables::CodePointRange* it = std::lower_bound(
      ranges, end, c, [](const tables::CodePointRange& r, char32_t v) { return r.last < v; });
  return it != end && it->first <= c;
}

bool IsCased(char32_t c) { return InRanges(tables::kCased, tables::kCasedSize, c); }
bool IsCaseIgnorable(char32_t c) {
  return InRanges(tables::kCaseIgnorable, tables::kCaseIgnorableSize, c);
}

// CPython's handle_capital_sigma: U+03A3 becomes final sigma when preceded by a cased letter
// (skipping case-ignorables) and not followed by one.
char32_t LowerCapitalSigma(std::u32string_view text, std::size_t i) {
  std::size_t j = i;
  bool found = false;
  char32_t c = 0;
  while (j > 0) {
    --j;
    c = text[j];
    if (!IsCaseIgnorable(c)) {
      found = true;
      break;
    }
  }
  bool final_sigma = found && IsCased(c);
  if (final_sigma && i + 1 < text.size()) {
    std::size_t k = i + 1;
    for (; k < text.size(); ++k) {
      c = text[k];
      if (!IsCaseIgnorable(c)) break;
    }
    final_sigma = k == text.size() || !IsCased(c);
  }
  return final_sigma ? U'\u03C2' : U'\u03C3';
}


// Decodes one well-formed UTF-8 sequence at text[i]; returns its length, or 0 if ill-formed
// (overlong forms, surrogates and values past U+10FFFF are ill-formed, as in Python's decoder).
std::size_t DecodeOne(std::string_view text, std::size_t i, char32_t& c) {
  const std::size_t length = Utf8SequenceLength(text, i);
  if (length == 0) return 0;
  static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
  c = static_cast<unsigned char>(text[i]) & kLeadMask[length];
  for (std::size_t k = 1; k < length; ++k) c = (c << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3F);
  return length;
}

}  // namespace

void AppendUtf8(char32_t c, std::string& out) {
  if (c < 0x80) {
    out.push_back(static_cast<char>(c));
  } else if (c < 0x800) {
    out.push_back(static_cast<char>(0xC0 | (c >> 6)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else if (c < 0x10000) {
    out.push_back(static_cast<char>(0xE0 | (c >> 12)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  } else {
    out.push_back(static_cast<char>(0xF0 | (c >> 18)));
    out.push_back(static_cast<char>(0x80 | ((c >> 12) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | ((c >> 6) & 0x3F)));
    out.push_back(static_cast<char>(0x80 | (c & 0x3F)));
  }
}

bool DecodeUtf8(std::string_view text, std::u32string& out, std::size_t& error_offset) {
  out.clear();
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c;
    const std::size_t n = DecodeOne(text, i, c);
    if (n == 0) {
      error_offset = i;
      return false;
    }
    out.push_back(c);
    i += n;
  }
  return true;
}

std::u32string DecodeUtf8Lossy(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    char32_t c;
    const std::size_t n = DecodeOne(text, i, c);
    if (n == 0) {
      out.push_back(U'\uFFFD');
      ++i;
    } else {
      out.push_back(c);
      i += n;
    }
  }
  return out;
}

std::string EncodeUtf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t c : text) AppendUtf8(c, out);
  return out;
}

std::u32string Lower(std::u32string_view text) {
  std::u32string out;
  out.reserve(text.size());
  const tables::LowerMapping* begin = tables::kLower;
  const tables::LowerMapping* end = tables::kLower + tables::kLowerSize;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    if (c == U'\u03A3') {
      out.push_back(LowerCapitalSigma(text, i));
      continue;
    }
    if (c < 0x80) {
      out.push_back(c >= U'A' && c <= U'Z' ? c + 32 : c);
      continue;
    }
    const tables::LowerMapping* it = std::lower_bound(
        begin, end, c, [](const tables::LowerMapping& m, char32_t v) { return m.code_point < v; });
    if (it != end && it->code_point == c) {
      out.append(it->lower, it->length);
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsSpace(char32_t c) { return InRanges(tables::kSpace, tables::kSpaceSize, c); }
bool IsWordChar(char32_t c) { return InRanges(tables::kWord, tables::kWordSize, c); }
bool IsPunctuation(char32_t c) {
  return InRanges(tables::kPunctuation, tables::kPunctuationSize, c);
}
bool IsAsciiPunctuation(char32_t c) {
  return (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) || (c >= 0x5B && c <= 0x60) ||
         (c >= 0x7B && c <= 0x7E);
}

std::vector<std::u32string> Split(std::u32string_view text) {
  std::vector<std::u32string> tokens;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && IsSpace(text[i])) ++i;
    if (i == text.size()) break;
    std::size_t j = i;
    while (j < text.size() && !IsSpace(text[j])) ++j;
    tokens.emplace_back(text.substr(i, j - i));
    i = j;
  }
  return tokens;
}

std::u32string_view Strip(std::u32string_view text) {
  std::size_t begin = 0;
  std::size_t end = text.size();
  while (begin < end && IsSpace(text[begin])) ++begin;
  while (end > begin && IsSpace(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::string_view StripUtf8(std::string_view text) {
  std::size_t begin = 0;
  while (begin < text.size()) {
    char32_t c;
    const std::size_t n = DecodeOne(text, begin, c);
    if (n == 0 || !IsSpace(c)) break;
    begin += n;
  }
  std::size_t end = text.size();
  while (end > begin) {
    // Step back to the start of the last sequence.
    std::size_t start = end - 1;
    while (start > begin && (static_cast<unsigned char>(text[start]) & 0xC0) == 0x80 &&
           end - start < 4) {
      --start;
    }
    char32_t c;
    const std::size_t n = DecodeOne(text, start, c);
    if (n != end - start || !IsSpace(c)) break;
    end = start;
  }
  return text.substr(begin, end - begin);
}

std::u32string ReplaceWholeWords(std::u32string_view text,
                                 const std::vector<std::u32string>& words) {
  std::u32string out;
  out.reserve(text.size());
  std::size_t i = 0;
  while (i < text.size()) {
    if (!IsWordChar(text[i])) {
      out.push_back(text[i++]);
      continue;
    }
    std::size_t j = i;
    while (j < text.size() && IsWordChar(text[j])) ++j;
    const std::u32string_view run = text.substr(i, j - i);
    if (std::find(words.begin(), words.end(), run) != words.end()) {
      out.push_back(U' ');
    } else {
      out.append(run);
    }
    i = j;
  }
  return out;
}

const char* TablesVersion() { return tables::kUnicodeVersion; }

}  // namespace xstilts::unicode
