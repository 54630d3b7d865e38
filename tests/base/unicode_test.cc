#include "base/unicode.h"

#include <gtest/gtest.h>

#include "base/input_error.h"
#include "eval/text_lines.h"

namespace xstilts {
namespace {

std::string LowerUtf8(const std::string& s) {
  return unicode::EncodeUtf8(unicode::Lower(unicode::DecodeUtf8Lossy(s)));
}

TEST(Unicode, LowerUsesFullCaseMapping) {
  EXPECT_EQ(LowerUtf8("ABC Ünïcödé"), "abc ünïcödé");
  // U+0130 lowercases to two code points in Python: "i" + U+0307.
  EXPECT_EQ(LowerUtf8("\u0130"), "i\u0307");
  EXPECT_EQ(LowerUtf8("ДОМ"), "дом");
}

TEST(Unicode, LowerAppliesFinalSigmaLikePython) {
  // 'ΟΔΟΣ'.lower() == 'οδος' (final sigma); a lone 'Σ' and a word-initial one stay 'σ'.
  EXPECT_EQ(LowerUtf8("ΟΔΟΣ"), "οδος");
  EXPECT_EQ(LowerUtf8("Σ"), "σ");
  EXPECT_EQ(LowerUtf8("ΣΑ"), "σα");
  // Case-ignorable characters (the apostrophe) are skipped on both sides.
  EXPECT_EQ(LowerUtf8("Α'Σ"), "α'ς");
  EXPECT_EQ(LowerUtf8("ΑΣ'Α"), "ασ'α");
  EXPECT_EQ(LowerUtf8("ΟΔΟΣ ΟΔΟΣ."), "οδος οδος.");
}

TEST(Unicode, SplitAndStripUsePythonWhitespace) {
  // U+3000 (ideographic space), U+00A0 and U+2009 are whitespace for str.split().
  const auto tokens = unicode::Split(unicode::DecodeUtf8Lossy("a\u3000b\u00a0c\u2009 d\n"));
  ASSERT_EQ(tokens.size(), 4u);
  EXPECT_EQ(unicode::EncodeUtf8(tokens[3]), "d");
  EXPECT_EQ(unicode::StripUtf8("\u3000 x y\t\u00a0"), "x y");
  // U+200B (zero width space) is not whitespace in Python.
  EXPECT_EQ(unicode::StripUtf8("\u200bx"), "\u200bx");
}

TEST(Unicode, PunctuationIsCategoryP) {
  EXPECT_TRUE(unicode::IsPunctuation(U'\u3002'));   // 。 Po
  EXPECT_TRUE(unicode::IsPunctuation(U'\u00bf'));   // ¿ Po
  EXPECT_TRUE(unicode::IsPunctuation(U'\u00ab'));   // « Pi
  EXPECT_TRUE(unicode::IsPunctuation(U'-'));        // Pd
  EXPECT_FALSE(unicode::IsPunctuation(U'$'));       // Sc: only in string.punctuation
  EXPECT_TRUE(unicode::IsAsciiPunctuation(U'$'));
  EXPECT_FALSE(unicode::IsAsciiPunctuation(U'\u00bf'));
}

TEST(Unicode, ReplaceWholeWordsMatchesRegexWordBoundaries) {
  const std::vector<std::u32string> articles = {U"a", U"an", U"the"};
  // "theater" and "a_b" are single \w runs ('_' is a word character); "é" is a word character.
  EXPECT_EQ(unicode::EncodeUtf8(unicode::ReplaceWholeWords(
                unicode::DecodeUtf8Lossy("the theater, a_b an thé a"), articles)),
            "  theater, a_b   thé  ");
}

TEST(Unicode, DecodeReportsTheFirstBadByte) {
  std::u32string out;
  std::size_t offset = 0;
  EXPECT_FALSE(unicode::DecodeUtf8("ok\xc3(", out, offset));
  EXPECT_EQ(offset, 2u);
  EXPECT_FALSE(unicode::DecodeUtf8("\xed\xa0\x80", out, offset));  // a UTF-8 encoded surrogate
  EXPECT_TRUE(unicode::DecodeUtf8("\xe4\xb8\xad", out, offset));
  EXPECT_EQ(out, U"\u4e2d");
}

TEST(TextLines, UniversalNewlinesAndStrip) {
  // "\r\n", a lone "\r" and "\n" all end lines; a final newline adds no empty line.
  const auto lines = SplitStrippedLines(" a \r\nb\rc\n\n d\t\n", "f.tsv");
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text, "b");
  EXPECT_EQ(lines[2].text, "c");
  EXPECT_EQ(lines[3].text, "");
  EXPECT_EQ(lines[4].text, "d");
  EXPECT_EQ(lines[4].number, 5);
}

TEST(TextLines, InvalidUtf8NamesFileAndLine) {
  try {
    SplitStrippedLines("ok\nab\xff\n", "f.tsv");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "f.tsv:2: invalid UTF-8 at byte 3 of the line");
  }
}

}  // namespace
}  // namespace xstilts
