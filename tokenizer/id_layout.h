// IdLayout: how the ids a model hands out relate to sentencepiece's own piece ids.
//
// kSentencePiece: the ids are sentencepiece's (vocabulary = the model's pieces).
//
// kFairseq: the layout of fairseq's XLM-R dictionary, as Hugging Face's XLMRobertaTokenizer
// reproduces it from sentencepiece.bpe.model:
//   <s> = 0, <pad> = 1, </s> = 2, <unk> = 3,
//   every other piece = its sentencepiece id + 1 (fairseq offset 1),
//   <mask> = piece_size + 1 (last); vocabulary size = piece_size + 2.
// sentencepiece's own <unk> (0), <s> (1) and </s> (2) map to fairseq's <unk>, <s> and </s>.
// It needs a model whose specials sit where XLM-R's do: <unk> = 0, <s> = 1, </s> = 2, no <pad>.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace xstilts {

enum class IdLayout { kSentencePiece, kFairseq };

// "spm" or "fairseq" (the spelling used in pipeline files).
const char* IdLayoutName(IdLayout layout);
std::optional<IdLayout> ParseIdLayout(const std::string& name);

// Special ids in a layout; -1 when the vocabulary has no such piece.
struct SpecialIds {
  int32_t unk = -1;
  int32_t bos = -1;
  int32_t eos = -1;
  int32_t pad = -1;
  int32_t mask = -1;
};

namespace fairseq {

inline constexpr int32_t kBos = 0;
inline constexpr int32_t kPad = 1;
inline constexpr int32_t kEos = 2;
inline constexpr int32_t kUnk = 3;
inline constexpr int32_t kOffset = 1;

// The sentencepiece specials the layout requires.
inline constexpr int32_t kSpmUnk = 0;
inline constexpr int32_t kSpmBos = 1;
inline constexpr int32_t kSpmEos = 2;

// Maps a sentencepiece id (0 <= id < piece_size) to its fairseq id.
inline int32_t FromSpm(int32_t spm_id) {
  switch (spm_id) {
    case kSpmUnk:
      return kUnk;
    case kSpmBos:
      return kBos;
    case kSpmEos:
      return kEos;
    default:
      return spm_id + kOffset;
  }
}

inline int32_t MaskId(int32_t piece_size) { return piece_size + kOffset; }
inline int32_t VocabSize(int32_t piece_size) { return piece_size + kOffset + 1; }

// Maps a fairseq id to a sentencepiece id; nullopt for <pad>, <mask> and ids outside the layout.
inline std::optional<int32_t> ToSpm(int32_t id, int32_t piece_size) {
  switch (id) {
    case kBos:
      return kSpmBos;
    case kEos:
      return kSpmEos;
    case kUnk:
      return kSpmUnk;
    case kPad:
      return std::nullopt;
    default:
      if (id > kUnk && id - kOffset < piece_size) return id - kOffset;
      return std::nullopt;
  }
}

}  // namespace fairseq
}  // namespace xstilts
