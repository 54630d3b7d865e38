// WrapLines: long lines wrapped at spaces with a hanging indent; short ones untouched.
#include <gtest/gtest.h>

#include "cli/wrap_text.h"

namespace xstilts {
namespace {

TEST(WrapText, LongLinesWrapAtSpacesUnderTheirIndent) {
  EXPECT_EQ(WrapLines("dataset            Reads a benchmark file into an examples artifact.\n", 40, 19),
            "dataset            Reads a benchmark\n"
            "                   file into an examples\n"
            "                   artifact.\n");
  EXPECT_EQ(WrapLines("  cmd (list of strings, required): the command and its arguments\n", 30, 2),
            "  cmd (list of strings,\n"
            "    required): the command and\n"
            "    its arguments\n");
}

TEST(WrapText, ShortLinesLongWordsAndNoWidthStayAsTheyAre) {
  EXPECT_EQ(WrapLines("short\n\nlines\n", 10, 2), "short\n\nlines\n");
  EXPECT_EQ(WrapLines("a https://example.org/a/very/long/path b", 10, 0), "a\nhttps://example.org/a/very/long/path\nb");
  const std::string text = std::string(200, 'x') + " y\n";
  EXPECT_EQ(WrapLines(text, 0, 4), text);
}

}  // namespace
}  // namespace xstilts
