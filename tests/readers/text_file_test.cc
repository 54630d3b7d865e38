#include "data/readers/text_file.h"

#include <gtest/gtest.h>

#include "tests/readers/reader_test_util.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

TEST(TextFile, DropsBomAndKeepsUtf8) {
  TempDir dir;
  const auto path = dir.Write("a.txt", "\xEF\xBB\xBFGr\xC3\xBC\xC3\x9F" "e\n");
  EXPECT_EQ(LoadTextFile(path), "Grüße\n");
}

TEST(TextFile, RejectsInvalidUtf8WithLineAndColumn) {
  TempDir dir;
  const auto path = dir.Write("bad.txt", "fine\nca\xfft\n");
  EXPECT_EQ(InputErrorMessage([&] { LoadTextFile(path); }),
            path.string() + ":2: expected UTF-8 text, got byte 0xff at column 3");
}

TEST(TextFile, RejectsNulByteAndByteOrderMarkStartingALineWithLineAndColumn) {
  TempDir dir;
  const auto nul = dir.Write("nul.tsv", std::string("id\ttext\n1\tab\0c\n", 15));
  EXPECT_EQ(InputErrorMessage([&] { LoadTextFile(nul); }),
            nul.string() + ":2: expected text, got a NUL byte at column 5");
  const auto bom = dir.Write("bom.tsv", "\xEF\xBB\xBFid\ttext\n\xEF\xBB\xBF" "1\tabc\n");
  EXPECT_EQ(InputErrorMessage([&] { LoadTextFile(bom); }),
            bom.string() + ":2: expected text, got a byte-order mark (U+FEFF) at column 1 (at the start of "
                           "a line: were files concatenated?)");
  // Inside a line it is a zero-width no-break space, as in XNLI's Hindi dev set: kept.
  const auto inside = dir.Write("inside.tsv", "id\ttext\n1\tab\xEF\xBB\xBF" "c\n");
  EXPECT_EQ(LoadTextFile(inside), "id\ttext\n1\tab\xEF\xBB\xBF" "c\n");
}

TEST(TextFile, MissingFileSaysSo) {
  TempDir dir;
  const auto path = dir.path() / "missing.tsv";
  EXPECT_EQ(InputErrorMessage([&] { LoadTextFile(path); }),
            path.string() + ": cannot read: No such file or directory");
}

TEST(TextFile, SplitsLinesWithCrlfAndWithoutFinalNewline) {
  const std::vector<TextLine> lines = SplitLines("a\r\nb\n\nc");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].text, "a");
  EXPECT_EQ(lines[1].text, "b");
  EXPECT_EQ(lines[2].text, "");
  EXPECT_EQ(lines[3].text, "c");
  EXPECT_EQ(lines[3].number, 4);
  EXPECT_EQ(SplitLines("x\n").size(), 1u);
}

TEST(SplitRecords, CsvQuotingUndoesPythonCsvWriter) {
  ProblemList problems("f.tsv");
  // What csv.writer(delimiter='\t') writes for ['say "hi"', 'a\tb', 'two\nlines'] and ['x', '', 'y'].
  const auto records = SplitRecords("\"say \"\"hi\"\"\"\t\"a\tb\"\t\"two\nlines\"\r\nx\t\ty\r\n", '\t',
                                    Quoting::kCsv, problems);
  EXPECT_TRUE(problems.empty());
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"say \"hi\"", "a\tb", "two\nlines"}));
  EXPECT_EQ(records[1].line, 3);
  EXPECT_EQ(records[1].fields, (std::vector<std::string>{"x", "", "y"}));
}

TEST(SplitRecords, NoQuotingKeepsQuotesAsText) {
  ProblemList problems("f.tsv");
  const auto records = SplitRecords("\"a\"\"b\"\tc\n\nd\n", '\t', Quoting::kNone, problems);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].fields, (std::vector<std::string>{"\"a\"\"b\"", "c"}));
  EXPECT_TRUE(records[1].fields.empty());
  EXPECT_EQ(records[2].fields, (std::vector<std::string>{"d"}));
}

TEST(SplitRecords, ReportsTextAfterClosingQuoteAndUnterminatedQuote) {
  ProblemList problems("f.csv");
  SplitRecords("id,text\n1,\"ok\"x,2\n3,\"never closed\n", ',', Quoting::kCsv, problems);
  EXPECT_EQ(InputErrorMessage([&] { problems.ThrowIfAny(); }),
            "f.csv:2: expected ',' or the end of the line after a closing quote, got 'x'\n"
            "f.csv:3: expected a closing quote for the field that starts here, got the end of the file");
}

TEST(ProblemList, ReportsTheFirstProblemsByLineAndCountsTheRest) {
  ProblemList problems("f.tsv", 2);
  problems.Add(1, "one");
  problems.Add(0, "two");
  problems.Add(3, "three");
  problems.Add(4, "four");
  EXPECT_EQ(InputErrorMessage([&] { problems.ThrowIfAny(); }),
            "f.tsv: two\nf.tsv:1: one\nf.tsv: 2 more problems not shown");
}

}  // namespace
}  // namespace xstilts
