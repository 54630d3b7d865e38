// ParseDuration and ParseBytes: what pipeline resources and gc flags accept.
#include <gtest/gtest.h>

#include "base/byte_sizes.h"
#include "base/durations.h"

namespace xstilts {
namespace {

TEST(Durations, UnitsAndClockTimes) {
  int64_t s = -1;
  EXPECT_TRUE(ParseDuration("90s", s));
  EXPECT_EQ(s, 90);
  EXPECT_TRUE(ParseDuration("12h", s));
  EXPECT_EQ(s, 43200);
  EXPECT_TRUE(ParseDuration("2w", s));
  EXPECT_EQ(s, 1209600);
  EXPECT_TRUE(ParseDuration("1:30:00", s));
  EXPECT_EQ(s, 5400);
  EXPECT_TRUE(ParseDuration("45:10", s));
  EXPECT_EQ(s, 2710);
  for (const char* bad : {"", "h", "12", "-3h", "1.5h", "3y", "1:2:3:4", "1:", ":30", "soon", "9999999999999h"}) {
    EXPECT_FALSE(ParseDuration(bad, s)) << bad;
  }
}

TEST(ByteSizes, ParsedAndPrinted) {
  uint64_t b = 0;
  EXPECT_TRUE(ParseBytes("16G", b));
  EXPECT_EQ(b, uint64_t{16} << 30);
  EXPECT_TRUE(ParseBytes("500MiB", b));
  EXPECT_EQ(b, uint64_t{500} << 20);
  EXPECT_TRUE(ParseBytes("1.5k", b));
  EXPECT_EQ(b, 1536u);
  EXPECT_TRUE(ParseBytes("123", b));
  EXPECT_EQ(b, 123u);
  for (const char* bad : {"", "lots", "-1G", "5Q", "G"}) EXPECT_FALSE(ParseBytes(bad, b)) << bad;
  EXPECT_EQ(FormatBytes(17), "17 B");
  EXPECT_EQ(FormatBytes(int64_t{3} << 29), "1.5 GiB");
}

}  // namespace
}  // namespace xstilts
