// Text escaping and number formatting shared by the report renderers.
//
// Every function is pure and locale independent (fmt, not iostreams), so the same Study always
// renders to the same bytes. Negative zero never shows: a value that rounds to zero prints
// without a minus sign.
#pragma once

#include <optional>
#include <string>
#include <vector>

namespace xstilts {

// & < > " ' as entities: safe in XML/HTML text and in attribute values.
std::string EscapeXml(const std::string& text);
// A Markdown table cell: '|' -> "\|", '\' -> "\\", '<' -> "\<" (no raw HTML), newlines -> spaces.
std::string EscapeMarkdownCell(const std::string& text);
// RFC 4180: quoted (with "" for ") when the field holds a comma, a quote, CR or LF.
std::string QuoteCsvField(const std::string& field);

// Fixed decimals: FormatFixed(72.345, 1) == "72.3".
std::string FormatFixed(double value, int decimals);
// Always signed: "+1.3", "-0.4", "+0.0".
std::string FormatSigned(double value, int decimals);
// Three significant digits in fixed notation for 0.001 <= |x| < 1e5 ("0.00312", "12.3", "4512"),
// scientific outside ("1.20e+05"), "0" for zero; `sign` adds "+" to non-negative values.
std::string FormatQuantity(double value, bool sign = false);
// One format for a whole column of quantities, so that its numbers line up and compare at a
// glance: scientific ("1.20e+05") for every value when any nonzero one lies outside [0.001, 1e5),
// else fixed with the decimals that give the smallest nonzero magnitude 3 significant digits
// ("0.250", "2.000", "12.500"). Zero prints "0", a missing value "-"; `sign` adds "+" to the rest.
std::vector<std::string> FormatQuantityColumn(const std::vector<std::optional<double>>& values, bool sign = false);
// Seconds as h:mm:ss, rounded to the second: 3725.4 -> "1:02:05".
std::string FormatHoursMinutesSeconds(double seconds);

}  // namespace xstilts
