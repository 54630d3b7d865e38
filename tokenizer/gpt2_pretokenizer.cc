#include "tokenizer/gpt2_pretokenizer.h"

#include <algorithm>

namespace xstilts {
namespace {

using pretokenizer_tables::CharClass;

// Classes of ASCII, looked up without a search: most text is mostly ASCII.
struct AsciiClasses {
  CharClass cls[128];
  AsciiClasses() {
    for (char32_t c = 0; c < 128; ++c) {
      cls[c] = CharClass::kOther;
      for (size_t r = 0; r < pretokenizer_tables::kRangesSize; ++r) {
        const auto& range = pretokenizer_tables::kRanges[r];
        if (range.first <= c && c <= range.last) cls[c] = range.cls;
      }
    }
  }
};

const AsciiClasses& Ascii() {
  static const AsciiClasses classes;
  return classes;
}

// A code point that no well-formed sequence decodes to; stands for one ill-formed byte.
constexpr char32_t kIllFormed = 0xFFFFFFFF;

// Decodes the sequence at text[i]; returns its length (ill-formed: 1 byte, kIllFormed).
size_t DecodeAt(std::string_view text, size_t i, char32_t* out) {
  const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char b0 = byte(i);
  if (b0 < 0x80) {
    *out = b0;
    return 1;
  }
  size_t length;
  char32_t c, min;
  if ((b0 & 0xE0) == 0xC0) {
    length = 2, c = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    length = 3, c = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    length = 4, c = b0 & 0x07, min = 0x10000;
  } else {
    *out = kIllFormed;
    return 1;
  }
  if (i + length > text.size()) {
    *out = kIllFormed;
    return 1;
  }
  for (size_t k = 1; k < length; ++k) {
    const unsigned char b = byte(i + k);
    if ((b & 0xC0) != 0x80) {
      *out = kIllFormed;
      return 1;
    }
    c = (c << 6) | (b & 0x3F);
  }
  if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF)) {
    *out = kIllFormed;
    return 1;
  }
  *out = c;
  return length;
}

struct Char {
  uint32_t pos;  // byte offset in the text
  char32_t cp;
  CharClass cls;
};

bool IsContractionTail(const Char* c, size_t available, size_t* length) {
  if (available >= 1) {
    const char32_t a = c[0].cp;
    if (a == 's' || a == 't' || a == 'm' || a == 'd') {
      *length = 1;
      return true;
    }
    if (available >= 2) {
      const char32_t b = c[1].cp;
      if ((a == 'r' && b == 'e') || (a == 'v' && b == 'e') || (a == 'l' && b == 'l')) {
        *length = 2;
        return true;
      }
    }
  }
  return false;
}

}  // namespace

PretokenClass Gpt2CharClass(char32_t c) {
  if (c < 128) return Ascii().cls[c];
  const auto* begin = pretokenizer_tables::kRanges;
  const auto* end = begin + pretokenizer_tables::kRangesSize;
  const auto* it = std::upper_bound(begin, end, c, [](char32_t v, const pretokenizer_tables::ClassRange& r) {
    return v < r.first;
  });
  if (it == begin) return CharClass::kOther;
  --it;
  return c <= it->last ? it->cls : CharClass::kOther;
}

void Gpt2PreTokenize(std::string_view text, std::vector<PretokenSpan>* out) {
  // The pattern looks at most three characters ahead, but runs are easier over decoded text.
  thread_local std::vector<Char> chars;
  chars.clear();
  for (size_t i = 0; i < text.size();) {
    char32_t cp;
    const size_t length = DecodeAt(text, i, &cp);
    chars.push_back(Char{static_cast<uint32_t>(i), cp, cp == kIllFormed ? CharClass::kOther : Gpt2CharClass(cp)});
    i += length;
  }
  const size_t n = chars.size();
  const auto pos = [&](size_t k) { return k < n ? chars[k].pos : static_cast<uint32_t>(text.size()); };
  const auto emit = [&](size_t from, size_t to) { out->push_back(PretokenSpan{pos(from), pos(to)}); };
  size_t i = 0;
  while (i < n) {
    const Char& c = chars[i];
    size_t tail = 0;
    if (c.cp == '\'' && IsContractionTail(chars.data() + i + 1, n - i - 1, &tail)) {
      emit(i, i + 1 + tail);
      i += 1 + tail;
      continue;
    }
    // " ?\p{L}+", " ?\p{N}+" and " ?[^\s\p{L}\p{N}]+": one optional ' ', then a run of one class.
    size_t j = i;
    if (c.cp == ' ' && i + 1 < n && chars[i + 1].cls != CharClass::kSpace) j = i + 1;
    const CharClass cls = chars[j].cls;
    if (cls != CharClass::kSpace) {
      size_t e = j + 1;
      while (e < n && chars[e].cls == cls) ++e;
      emit(i, e);
      i = e;
      continue;
    }
    size_t e = i + 1;
    while (e < n && chars[e].cls == CharClass::kSpace) ++e;
    // "\s+(?!\S)" gives back the run's last character when a non-space follows; a run of one
    // then fails and "\s+" takes it.
    if (e < n && e - i >= 2) --e;
    emit(i, e);
    i = e;
  }
}

const char* Gpt2PreTokenizerTablesVersion() { return pretokenizer_tables::kRegexVersion; }

}  // namespace xstilts
