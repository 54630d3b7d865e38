// Durations for people, parsed from pipeline files and flags: "90s", "45m", "12h", "2d", "1w", or
// a clock time "H:MM:SS" / "MM:SS" as Slurm writes it.
#pragma once

#include <cstdint>
#include <string>

namespace xstilts {

// Seconds in `text`; false for anything else (a negative or an overflowing number too).
bool ParseDuration(const std::string& text, int64_t& seconds);

}  // namespace xstilts
