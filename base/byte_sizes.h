// Sizes in bytes for people: printed ("1.5 GiB") and parsed from flags ("500M", "2G").
#pragma once

#include <cstdint>
#include <string>

namespace xstilts {

// "17 B", "12.0 KiB", "340.2 MiB", "1.5 GiB" (powers of 1024).
std::string FormatBytes(int64_t bytes);
// Parses a size: a number with an optional unit K, M, G or T (powers of 1024; "KB", "KiB", "k" the
// same), "500M", "2G", "1.5T", "123". False for anything else.
bool ParseBytes(const std::string& text, uint64_t& bytes);

}  // namespace xstilts
