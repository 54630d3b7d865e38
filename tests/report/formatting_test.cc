#include "report/formatting.h"

#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

namespace xstilts {
namespace {

TEST(ReportFormatting, FixedAndSignedNumbers) {
  EXPECT_EQ(FormatFixed(72.345, 1), "72.3");
  EXPECT_EQ(FormatFixed(-0.04, 1), "0.0");  // no negative zero
  EXPECT_EQ(FormatFixed(-0.06, 1), "-0.1");
  EXPECT_EQ(FormatSigned(1.25, 1), "+1.2");  // binary 1.25 is exact: round half to even
  EXPECT_EQ(FormatSigned(-0.44, 1), "-0.4");
  EXPECT_EQ(FormatSigned(-0.01, 1), "+0.0");
}

TEST(ReportFormatting, QuantitiesKeepThreeSignificantDigits) {
  EXPECT_EQ(FormatQuantity(0), "0");
  EXPECT_EQ(FormatQuantity(0.00312), "0.00312");
  EXPECT_EQ(FormatQuantity(12.34), "12.3");
  EXPECT_EQ(FormatQuantity(4512.4), "4512");
  EXPECT_EQ(FormatQuantity(120000), "1.20e+05");
  EXPECT_EQ(FormatQuantity(0.0001), "1.00e-04");
  EXPECT_EQ(FormatQuantity(0.5, true), "+0.500");
  EXPECT_EQ(FormatQuantity(-2.5, true), "-2.50");
}

TEST(ReportFormatting, Durations) {
  EXPECT_EQ(FormatHoursMinutesSeconds(3725.4), "1:02:05");
  EXPECT_EQ(FormatHoursMinutesSeconds(59.6), "0:01:00");
  EXPECT_EQ(FormatHoursMinutesSeconds(0), "0:00:00");
  EXPECT_EQ(FormatHoursMinutesSeconds(90000), "25:00:00");
}

TEST(ReportFormatting, OneFormatPerColumn) {
  using Column = std::vector<std::optional<double>>;
  // Fixed, with 3 significant digits for the smallest value.
  EXPECT_EQ(FormatQuantityColumn(Column{2, 0.25, 12.5}), (std::vector<std::string>{"2.000", "0.250", "12.500"}));
  // One value out of [0.001, 1e5): all scientific.
  EXPECT_EQ(FormatQuantityColumn(Column{2, 2e5}), (std::vector<std::string>{"2.00e+00", "2.00e+05"}));
  EXPECT_EQ(FormatQuantityColumn(Column{0.5, 1e-4}), (std::vector<std::string>{"5.00e-01", "1.00e-04"}));
  // Zero, missing, signs.
  EXPECT_EQ(FormatQuantityColumn(Column{0, std::nullopt, 1.5}, true), (std::vector<std::string>{"+0", "-", "+1.50"}));
  EXPECT_EQ(FormatQuantityColumn(Column{-3, 4512}), (std::vector<std::string>{"-3.00", "4512.00"}));
  EXPECT_EQ(FormatQuantityColumn(Column{}), std::vector<std::string>{});
}

TEST(ReportFormatting, Escaping) {
  EXPECT_EQ(EscapeXml("<b>&\"x'"), "&lt;b&gt;&amp;&quot;x&#39;");
  EXPECT_EQ(EscapeMarkdownCell("a|b\\c<d>\ne"), "a\\|b\\\\c\\<d> e");
  EXPECT_EQ(QuoteCsvField("plain"), "plain");
  EXPECT_EQ(QuoteCsvField("xlm-r, base"), "\"xlm-r, base\"");
  EXPECT_EQ(QuoteCsvField("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(QuoteCsvField("two\nlines"), "\"two\nlines\"");
}

}  // namespace
}  // namespace xstilts
