#include "tokenizer/tokenizer.h"

namespace xstilts {

const char* TokenizerFormatName(TokenizerFormat format) {
  return format == TokenizerFormat::kBpe ? "bpe" : "sentencepiece";
}

std::optional<TokenizerFormat> ParseTokenizerFormat(const std::string& name) {
  if (name == "sentencepiece") return TokenizerFormat::kSentencePiece;
  if (name == "bpe") return TokenizerFormat::kBpe;
  return std::nullopt;
}

}  // namespace xstilts
