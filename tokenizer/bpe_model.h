// BpeModel: GPT-2's byte-level BPE, as RoBERTa (FacebookAI/roberta-large, roberta-base) uses it,
// from its vocab.json and merges.txt. Encoding reproduces Hugging Face's RobertaTokenizer /
// GPT2Tokenizer (and GPT-2's encoder.py):
//   1. the text is split by GPT-2's pre-tokenization pattern (gpt2_pretokenizer.h);
//   2. each piece's UTF-8 bytes become symbols through GPT-2's bytes-to-unicode table (printable
//      Latin-1 bytes stand for themselves, the others for U+0100 and up: ' ' is "Ġ");
//   3. adjacent symbols are merged, lowest merges.txt rank first, until no pair has a rank;
//   4. each symbol's id is its vocab.json id (a single byte missing from vocab.json: <unk>).
// Pieces are cached (bounded; see bpe_model.cc), so repeated words cost a lookup.
// Specials are read from vocab.json: <s> (bos), <pad>, </s> (eos), <unk>, <mask>; -1 when absent
// (RoBERTa: 0, 1, 2, 3, 50264). Special-token strings inside the text ("<mask>") are encoded as
// ordinary text, not matched to their ids. Offsets are byte offsets into the text: a token
// "Ġword" covers its space.
//
// Load checks that ids are unique and that every merge's two symbols and its result are in
// vocab.json (as Hugging Face's tokenizers library does), so merged symbols always have ids.
//
// Threads: immutable after loading except for the cache, which is sharded behind mutexes; every
// const method may be called from any number of threads. Copies share the loaded model.
// Errors: Load throws InputError naming the file and line; encoding returns kInvalidInput only
// for a byte vocab.json has no symbol for when it has no <unk> either.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tokenizer/tokenizer.h"

namespace xstilts {

class BpeModel final : public Tokenizer {
 public:
  // Parses the two files' contents; `vocab_name` and `merges_name` name them in errors.
  static BpeModel Load(std::string_view vocab_json, std::string_view merges, const std::string& vocab_name,
                       const std::string& merges_name);
  // Reads `dir`/vocab.json and `dir`/merges.txt. InputError when either cannot be read.
  static BpeModel LoadDirectory(const std::string& dir);

  TokenizerFormat format() const override { return TokenizerFormat::kBpe; }
  const char* id_layout_name() const override { return "vocab_json"; }
  // The largest id in vocab.json + 1.
  int32_t VocabSize() const override;
  const SpecialIds& special_ids() const override;
  // The number of merges.
  int32_t merge_count() const;

  int32_t PieceToId(std::string_view piece) const override;
  Result<std::string> IdToPiece(int32_t id) const override;

  Status EncodeAppend(std::string_view text, Encoding* out) const override;
  // " " + word when the word does not start with whitespace (Hugging Face's add_prefix_space),
  // then as EncodeAppend; the added space belongs to no token's span.
  Status EncodeWordAppend(std::string_view word, Encoding* out) const override;
  Result<Encoding> Encode(std::string_view text) const;

  // The bytes of the tokens, specials left out; bytes that are not valid UTF-8 are kept as they are.
  Result<std::string> Decode(const std::vector<int32_t>& ids) const override;

  struct State;

 private:
  explicit BpeModel(std::shared_ptr<State> state) : state_(std::move(state)) {}
  std::shared_ptr<State> state_;
};

// GPT-2's bytes-to-unicode table: the code point that stands for byte b.
char32_t Gpt2ByteToUnicode(uint8_t b);

}  // namespace xstilts
