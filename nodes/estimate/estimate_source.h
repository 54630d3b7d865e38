// How sure an estimate is: where the sizes it rests on come from. Shared by every part of the
// cost estimate (nodes/estimate/). Header-only; no I/O.
#pragma once

#include <algorithm>

namespace xstilts {

// Ordered from the surest: a value combined from several takes the weakest (EstimateWeaker).
enum class EstimateSource {
  kMeasured,  // read from an artifact already in the cache (a tokens artifact, a tokenizer, a config)
  kDeclared,  // declared in the pipeline (expected_examples, a limit, expected_config, a vocab_size param)
  kAssumed,   // a documented assumption (tokens per example of a format, an unfiltered example count)
  kUnknown,   // nothing to go on: the estimate is 0 and says so
};

inline const char* EstimateSourceName(EstimateSource source) {
  switch (source) {
    case EstimateSource::kMeasured: return "measured";
    case EstimateSource::kDeclared: return "declared";
    case EstimateSource::kAssumed: return "assumed";
    case EstimateSource::kUnknown: return "unknown";
  }
  return "unknown";
}

inline EstimateSource EstimateWeaker(EstimateSource a, EstimateSource b) { return std::max(a, b); }

}  // namespace xstilts
