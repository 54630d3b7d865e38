// Typo suggestions: the known name closest to one the user wrote, for "did you mean 'x'?".
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace xstilts {

// Optimal string alignment distance: edits are insert, delete, substitute, and swapping two
// neighbours, so the common typo "trian" is one edit from "train".
size_t EditDistance(std::string_view a, std::string_view b);

// The candidate closest to `word` within `max_edits` edits (the first of equally close ones), or
// "" when none is that close. `max_edits` 0: as ninja's spellcheck, a third of the word's length,
// at least 1 and at most 3.
std::string ClosestMatch(std::string_view word, const std::vector<std::string>& candidates, size_t max_edits = 0);

}  // namespace xstilts
