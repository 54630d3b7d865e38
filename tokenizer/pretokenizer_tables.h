// Character classes of GPT-2's pre-tokenization pattern, generated from Python's `regex` module
// by tools/gen_pretokenizer_tables.py. Internal to gpt2_pretokenizer.cc; use ClassOf() there.
#pragma once

#include <cstddef>
#include <cstdint>

namespace xstilts::pretokenizer_tables {

// kOther: everything the pattern's [^\s\p{L}\p{N}] matches.
enum class CharClass : uint8_t { kOther, kLetter, kNumber, kSpace };

struct ClassRange {
  char32_t first;
  char32_t last;  // inclusive
  CharClass cls;
};

extern const char kRegexVersion[];
extern const ClassRange kRanges[];  // sorted, disjoint; code points in no range are kOther
extern const std::size_t kRangesSize;

}  // namespace xstilts::pretokenizer_tables
