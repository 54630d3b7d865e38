// The assumed length of one example of each dataset format, in model tokens (<s> and </s>
// included), for estimating a tokenize node's output before it exists. Rough figures (within
// about a factor of 1.5 for XLM-R's and RoBERTa's tokenizers): they are used only when no tokens
// artifact is in the cache, and an estimate resting on them says "assumed".
#pragma once

#include <string>

namespace xstilts {

struct ExampleLength {
  double tokens_per_feature = 64;  // one feature (one choice of a multiple-choice example)
  int choices = 1;                 // features per example (multiple choice), else 1
};

// By format name (docs/datasets.md); formats not listed get 64 tokens, one feature.
ExampleLength AssumedExampleLength(const std::string& format);

}  // namespace xstilts
