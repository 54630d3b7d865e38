// Encoding: the tokens of one text as every tokenizer (tokenizer.h) returns them.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace xstilts {

// Token i covers bytes [begins[i], ends[i]) of the original text. What a token's span holds
// depends on the tokenizer (a leading space that the token stands for is part of its span);
// tokens with no source bytes have begin == end.
struct Encoding {
  std::vector<int32_t> ids;
  std::vector<uint32_t> begins;
  std::vector<uint32_t> ends;

  size_t size() const { return ids.size(); }
  void clear() {
    ids.clear();
    begins.clear();
    ends.clear();
  }
};

}  // namespace xstilts
