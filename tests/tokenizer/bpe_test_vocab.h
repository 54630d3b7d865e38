// A small RoBERTa-shaped byte-level BPE vocabulary for tests: <s>=0, <pad>=1, </s>=2, <unk>=3,
// the 256 byte symbols at 4 + byte, one token per merge below (260, 261, ...), <mask> last (275).
// The expected ids in the tests that use it were computed with a Python port of GPT-2's
// encoder.py (Python's `regex` for the pattern) on the same files.
#pragma once

#include <cstdio>
#include <string>
#include <vector>

namespace xstilts::testing {

// GPT-2's bytes-to-unicode table, written out here again so that the tests do not depend on the
// implementation's copy.
inline char32_t TestByteSymbol(int b) {
  const auto printable = [](int x) { return (x >= 0x21 && x <= 0x7E) || (x >= 0xA1 && x <= 0xAC) || (x >= 0xAE && x <= 0xFF); };
  if (printable(b)) return static_cast<char32_t>(b);
  char32_t next = 256;
  for (int x = 0; x < b; ++x) {
    if (!printable(x)) ++next;
  }
  return next;
}

inline const std::vector<std::string>& TestMerges() {
  static const std::vector<std::string> merges = {
      "\xC4\xA0 t", "h e",  "\xC4\xA0t he", "a t",  "\xC4\xA0 c", "\xC4\xA0" "c at", "\xC4\xA0 s", "\xC4\xA0s at",
      "o n",        "\xC4\xA0 on", "T he",  "c at", "\xC3\x83 \xC2\xA9", "\xC4\xA0 m",  "\xC4\xA0m at"};
  return merges;
}

// vocab.json with every non-ASCII character and the specials written as \u escapes.
inline std::string TestVocabJson() {
  std::vector<std::u32string> tokens = {U"<s>", U"<pad>", U"</s>", U"<unk>"};
  for (int b = 0; b < 256; ++b) tokens.push_back(std::u32string(1, TestByteSymbol(b)));
  for (const std::string& merge : TestMerges()) {
    std::u32string merged;
    // The merges are UTF-8; decode the two-byte sequences the symbols here use.
    for (size_t i = 0; i < merge.size(); ++i) {
      const auto c = static_cast<unsigned char>(merge[i]);
      if (c == ' ') continue;
      if (c < 0x80) {
        merged.push_back(c);
      } else {
        merged.push_back(static_cast<char32_t>(((c & 0x1F) << 6) | (static_cast<unsigned char>(merge[++i]) & 0x3F)));
      }
    }
    tokens.push_back(merged);
  }
  tokens.push_back(U"<mask>");
  std::string json = "{";
  for (size_t id = 0; id < tokens.size(); ++id) {
    json += id ? ",\n  \"" : "\n  \"";
    for (char32_t c : tokens[id]) {
      char buffer[8];
      if (c < 0x80 && c != '"' && c != '\\' && c != '<') {
        json.push_back(static_cast<char>(c));
      } else {
        std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
        json += buffer;
      }
    }
    json += "\": " + std::to_string(id);
  }
  return json + "\n}\n";
}

inline std::string TestMergesTxt() {
  std::string text = "#version: 0.2\n";
  for (const std::string& merge : TestMerges()) text += merge + "\n";
  return text;
}

}  // namespace xstilts::testing
