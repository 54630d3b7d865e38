// GPT-2's pre-tokenization: the split of a text into the pieces that byte-level BPE then encodes
// one by one. It is the regular expression of GPT-2's encoder.py (and of Hugging Face's
// GPT2Tokenizer / RobertaTokenizer)
//
//   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+
//
// applied with findall, implemented by hand over UTF-8 (no regex engine). Alternatives are tried
// in order at each position: the contractions (case-sensitive, so "'S" is not one); letters,
// numbers or other characters, each run optionally led by one ' ' (U+0020 only); then a run of
// whitespace, which when a non-space follows gives its last character back (\s+(?!\S)
// backtracks one step), so that " word" keeps its space. \p{L}, \p{N} and \s (the Unicode
// White_Space property) come from tables generated from Python's `regex` module
// (pretokenizer_tables.h).
//
// Bytes that are not well-formed UTF-8 count as one "other" character each, so every byte of the
// text lies in exactly one piece. Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/pretokenizer_tables.h"

namespace xstilts {

using PretokenClass = pretokenizer_tables::CharClass;

// The class of a code point in the pattern.
PretokenClass Gpt2CharClass(char32_t c);

// A piece of the text: bytes [begin, end).
struct PretokenSpan {
  uint32_t begin;
  uint32_t end;
};

// Appends the pieces of `text` to `out` in order; together they cover the text exactly.
void Gpt2PreTokenize(std::string_view text, std::vector<PretokenSpan>* out);

// The `regex` version the tables were generated from.
const char* Gpt2PreTokenizerTablesVersion();

}  // namespace xstilts
