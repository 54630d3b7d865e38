// Character tables generated from Python's own string methods (base/tools/gen_unicode_tables.py
// writes unicode_case_tables.cc and unicode_class_tables.cc),
// so that the C++ metrics normalise text exactly as XTREME's Python scorers do. Internal to
// base/unicode.cc; use the functions in base/unicode.h instead.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xstilts::unicode_tables {

struct CodePointRange {
  char32_t first;
  char32_t last;  // inclusive
};

struct LowerMapping {
  char32_t code_point;
  std::uint8_t length;  // 1..3 code points
  char32_t lower[3];
};

extern const char kUnicodeVersion[];
extern const LowerMapping kLower[];  // sorted by code_point
extern const std::size_t kLowerSize;
extern const CodePointRange kPunctuation[];  // general category P*
extern const std::size_t kPunctuationSize;
extern const CodePointRange kSpace[];  // str.isspace()
extern const std::size_t kSpaceSize;
extern const CodePointRange kWord[];  // str.isalnum() or '_': re's \w
extern const std::size_t kWordSize;
extern const CodePointRange kCased[];
extern const std::size_t kCasedSize;
extern const CodePointRange kCaseIgnorable[];
extern const std::size_t kCaseIgnorableSize;

}  // namespace xstilts::unicode_tables
