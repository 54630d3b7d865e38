// A short, human-readable summary of an Examples: counts per language and how much text there is.
// Used by the xstilts_dataset_stats tool; pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "data/readers/examples.h"

namespace xstilts {

struct LanguageTextStats {
  int64_t examples = 0;     // examples (for parallel data: sentences) in the language
  int64_t bytes = 0;        // UTF-8 bytes of all their text fields
  int64_t code_points = 0;  // code points of the same
};

// Per language; text fields are text_a, text_b, tokens, context (once per distinct context),
// question, answers, choices; for parallel data, the sentences of each side.
std::map<std::string, LanguageTextStats> TextStatsByLanguage(const Examples& examples);

// Multi-line: format, task, example and labelled counts, label count, for several languages the
// number of ids that occur once in every language (aligned rows, assuming an id occurs once per
// language), then one line per language:
// `  de  examples 81234  bytes 4567890  code points 4400000`.
std::string SummarizeExamples(const Examples& examples);

}  // namespace xstilts
