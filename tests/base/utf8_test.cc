#include "base/utf8.h"

#include <gtest/gtest.h>

namespace xstilts {
namespace {

TEST(Utf8, FindsFirstInvalidByte) {
  EXPECT_EQ(FindInvalidUtf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("Grüße, 世界, 😀"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("ab\xff"), 2u);
  EXPECT_EQ(FindInvalidUtf8("a\xc0\xaf"), 1u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("a\xed\xa0\x80"), 1u);      // surrogate U+D800
  EXPECT_EQ(FindInvalidUtf8("a\xf4\x90\x80\x80"), 1u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("a\xe4\xb8"), 1u);          // truncated sequence
}

TEST(Utf8, ConvertsBetweenCodePointsAndBytes) {
  const std::string text = "aé世😀b";  // 1 + 2 + 3 + 4 + 1 bytes
  EXPECT_EQ(CountCodePoints(text), 5);
  EXPECT_EQ(CodePointToByteOffset(text, 0), 0);
  EXPECT_EQ(CodePointToByteOffset(text, 2), 3);
  EXPECT_EQ(CodePointToByteOffset(text, 3), 6);
  EXPECT_EQ(CodePointToByteOffset(text, 4), 10);
  EXPECT_EQ(CodePointToByteOffset(text, 5), 11);
  EXPECT_EQ(CodePointToByteOffset(text, 6), -1);
  EXPECT_EQ(ByteToCodePointOffset(text, 6), 3);
  EXPECT_EQ(ByteToCodePointOffset(text, 7), -1);  // inside the emoji
  EXPECT_EQ(ByteToCodePointOffset(text, 11), 5);
  EXPECT_EQ(SubstrCodePoints(text, 2, 2), "世😀");
  EXPECT_EQ(SubstrCodePoints(text, 4, 10), "b");
  EXPECT_EQ(SubstrCodePoints(text, 9, 1), "");
}

}  // namespace
}  // namespace xstilts
