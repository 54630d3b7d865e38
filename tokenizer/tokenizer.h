// Tokenizer: what the consumers of a "tokenizer" artifact (tokenize, ...) need from a tokenizer,
// whatever its format:
//   sentencepiece  SentencePieceModel (sentencepiece_model.h): XLM-R and models trained here;
//   bpe            BpeModel (bpe_model.h): GPT-2 / RoBERTa byte-level BPE (vocab.json + merges.txt).
//
// Threads: implementations are immutable after loading (caches inside are synchronized); every
// method may be called from any number of threads at once.
// Errors: encoding returns a Status; nothing throws.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tokenizer/encoding.h"
#include "tokenizer/id_layout.h"

namespace xstilts {

enum class TokenizerFormat { kSentencePiece, kBpe };

// "sentencepiece" or "bpe" (the spelling of pipeline files and artifacts).
const char* TokenizerFormatName(TokenizerFormat format);
std::optional<TokenizerFormat> ParseTokenizerFormat(const std::string& name);

class Tokenizer {
 public:
  virtual ~Tokenizer() = default;

  virtual TokenizerFormat format() const = 0;
  // What the ids are: "fairseq" or "spm" (sentencepiece, id_layout.h), "vocab_json" (bpe: the
  // ids of vocab.json). Recorded in tokenizer and tokens artifacts.
  virtual const char* id_layout_name() const = 0;
  // Ids run from 0 to VocabSize() - 1.
  virtual int32_t VocabSize() const = 0;
  // -1 for a special the vocabulary does not have.
  virtual const SpecialIds& special_ids() const = 0;

  // The id of `piece` (in the tokenizer's own spelling: "▁word", "Ġword"); the unknown id when
  // the vocabulary has no such piece.
  virtual int32_t PieceToId(std::string_view piece) const = 0;
  // kInvalidInput when id is outside [0, VocabSize()).
  virtual Result<std::string> IdToPiece(int32_t id) const = 0;

  // Appends the tokens of running text to `out`, offsets relative to `text`; no <s>/</s>. On
  // failure `out` may hold some of the text's tokens.
  virtual Status EncodeAppend(std::string_view text, Encoding* out) const = 0;
  // Appends the tokens of one word of pre-split text (tagging), encoded as Hugging Face encodes
  // words with is_split_into_words=True: sentencepiece as running text (its dummy prefix gives
  // every word its "▁"); bpe with a space put before the word (RoBERTa's add_prefix_space), which
  // no token span covers.
  virtual Status EncodeWordAppend(std::string_view word, Encoding* out) const = 0;

  // The text of `ids`; special ids decode to nothing. kInvalidInput for an id outside the
  // vocabulary.
  virtual Result<std::string> Decode(const std::vector<int32_t>& ids) const = 0;
};

}  // namespace xstilts
