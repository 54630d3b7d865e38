// GPT-2's pre-tokenization against what Python's `regex` findall gives for the same pattern
// (the expected pieces were produced with regex 2026.5.9).
#include "tokenizer/gpt2_pretokenizer.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace xstilts {
namespace {

std::vector<std::string> Pieces(const std::string& text) {
  std::vector<PretokenSpan> spans;
  Gpt2PreTokenize(text, &spans);
  std::vector<std::string> pieces;
  uint32_t covered = 0;
  for (const PretokenSpan& s : spans) {
    EXPECT_EQ(s.begin, covered) << "pieces must cover the text in order";
    EXPECT_LT(s.begin, s.end);
    covered = s.end;
    pieces.push_back(text.substr(s.begin, s.end - s.begin));
  }
  EXPECT_EQ(covered, text.size());
  return pieces;
}

using Strings = std::vector<std::string>;

TEST(Gpt2PreTokenizer, WordsKeepTheSpaceBeforeThem) {
  EXPECT_EQ(Pieces("Hello world!"), (Strings{"Hello", " world", "!"}));
  EXPECT_EQ(Pieces("12345 67"), (Strings{"12345", " 67"}));
  EXPECT_EQ(Pieces(""), Strings{});
}

TEST(Gpt2PreTokenizer, ContractionsAreLowercaseOnly) {
  EXPECT_EQ(Pieces("I'm here, they'll see it's 42's"),
            (Strings{"I", "'m", " here", ",", " they", "'ll", " see", " it", "'s", " 42", "'s"}));
  EXPECT_EQ(Pieces(" 's'S'x ?'s"), (Strings{" '", "s", "'", "S", "'", "x", " ?'", "s"}));
  EXPECT_EQ(Pieces("we've 're 'd"), (Strings{"we", "'ve", " '", "re", " '", "d"}));
}

TEST(Gpt2PreTokenizer, WhitespaceRunsGiveTheirLastSpaceToTheNextWord) {
  EXPECT_EQ(Pieces("DON'T  stop\n\nnow   "), (Strings{"DON", "'", "T", " ", " stop", "\n", "\n", "now", "   "}));
  EXPECT_EQ(Pieces("a \tb\n c"), (Strings{"a", " ", "\t", "b", "\n", " c"}));
  EXPECT_EQ(Pieces("   leading"), (Strings{"  ", " leading"}));
  EXPECT_EQ(Pieces("end   "), (Strings{"end", "   "}));
  EXPECT_EQ(Pieces("tab\t\tx"), (Strings{"tab", "\t", "\t", "x"}));
}

TEST(Gpt2PreTokenizer, UnicodeLettersNumbersAndSpaces) {
  // é and 中文 are letters, the emoji is "other", ² is a number; U+00A0 and U+3000 are spaces
  // but only U+0020 joins the word after it.
  EXPECT_EQ(Pieces("caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80 x1\xC2\xB2"),
            (Strings{"caf\xC3\xA9", " \xE4\xB8\xAD\xE6\x96\x87", " \xF0\x9F\x98\x80", " x", "1\xC2\xB2"}));
  EXPECT_EQ(Pieces("\xC2\xA0nbsp\xE3\x80\x80wide"), (Strings{"\xC2\xA0", "nbsp", "\xE3\x80\x80", "wide"}));
}

TEST(Gpt2PreTokenizer, IllFormedBytesAreOtherCharacters) {
  // \xFF and a truncated sequence are one "other" character each.
  EXPECT_EQ(Pieces("a\xFF\xE4\xB8 b"), (Strings{"a", "\xFF\xE4\xB8", " b"}));
}

TEST(Gpt2PreTokenizer, CharacterClasses) {
  EXPECT_EQ(Gpt2CharClass('a'), PretokenClass::kLetter);
  EXPECT_EQ(Gpt2CharClass(0x4E2D), PretokenClass::kLetter);   // 中
  EXPECT_EQ(Gpt2CharClass(0x0663), PretokenClass::kNumber);   // Arabic-Indic three
  EXPECT_EQ(Gpt2CharClass(0x2028), PretokenClass::kSpace);    // line separator
  EXPECT_EQ(Gpt2CharClass(0x1C), PretokenClass::kOther);      // not White_Space
  EXPECT_EQ(Gpt2CharClass(0x1F600), PretokenClass::kOther);   // emoji
  EXPECT_EQ(Gpt2CharClass(0x10FFFF), PretokenClass::kOther);
}

}  // namespace
}  // namespace xstilts
