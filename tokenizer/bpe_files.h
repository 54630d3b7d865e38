// The two files of a GPT-2 / RoBERTa byte-level BPE tokenizer, parsed:
//   vocab.json   one JSON object, token -> id ({"<s>": 0, "Ġthe": 5, ...}); \uXXXX escapes and
//                raw UTF-8 are both read; a repeated token keeps its last id (as Python's json);
//   merges.txt   one merge "left right" per line (a single ' ' between two non-empty symbols),
//                its rank = its position among the merges; a first line starting with "#version"
//                and empty lines are skipped; "\r\n" line ends are accepted.
//
// Errors: both throw InputError naming the file (`name`) and the 1-based line of every problem
// found ("vocab.json:3: expected ':' after the token"), one problem a line in the message.
// Pure functions: safe from any thread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xstilts {

struct VocabEntry {
  std::string token;  // UTF-8, in GPT-2's byte-to-unicode spelling
  int32_t id;
  int64_t line;  // where the entry starts, for later messages
};

struct MergeRule {
  std::string left;
  std::string right;
  int64_t line;
};

// Entries in file order. Ids must be integers in [0, 2^31 - 1).
std::vector<VocabEntry> ParseVocabJson(std::string_view bytes, const std::string& name);

// Merges in rank order.
std::vector<MergeRule> ParseMerges(std::string_view bytes, const std::string& name);

}  // namespace xstilts
