// SentencePieceModel: a loaded sentencepiece model, in the plain sentencepiece id layout or in
// fairseq's XLM-R layout (id_layout.h).
//
// sentencepiece itself lives in a separate module (spm_module.h) so that it can share a process
// with LibTorch; this class and its callers never include or link sentencepiece.
//
// Threads: a model is immutable after loading; every const method may be called from any number
// of threads at once. Copies are cheap and share the loaded model.
// Errors: loading returns a Status naming the file; encode/decode failures return a Status.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tokenizer/encoding.h"
#include "tokenizer/id_layout.h"
#include "tokenizer/tokenizer.h"

struct XspmModel;

namespace xstilts {

class SpmModule;

struct PieceEncoding {
  std::vector<std::string> pieces;
  Encoding tokens;
};

enum class PieceType { kNormal, kUnknown, kControl, kUnused, kByte };

// Offsets: a piece that starts with "▁" standing for a space usually includes that space in its
// span, except at the start of the text. Pieces sentencepiece inserts with no source bytes have
// begin == end.
class SentencePieceModel final : public Tokenizer {
 public:
  // Loads a sentencepiece model file (a serialized ModelProto, e.g. XLM-R's
  // sentencepiece.bpe.model). Errors name the file: kNotFound / kIo when it cannot be read,
  // kCorrupt when it is not a sentencepiece model, kInvalidInput when the layout does not fit
  // the model; module errors as in SpmModule::Shared().
  static Result<SentencePieceModel> LoadFile(const std::string& path, IdLayout layout);

  // Loads from the bytes of a serialized ModelProto; `name` is used in error messages.
  static Result<SentencePieceModel> LoadBytes(std::string_view bytes, IdLayout layout,
                                              const std::string& name = "<model bytes>");

  // As above with an explicit module (tests, tools).
  static Result<SentencePieceModel> LoadBytes(std::shared_ptr<const SpmModule> module,
                                              std::string_view bytes, IdLayout layout,
                                              const std::string& name);

  TokenizerFormat format() const override { return TokenizerFormat::kSentencePiece; }
  const char* id_layout_name() const override { return IdLayoutName(layout_); }
  IdLayout layout() const { return layout_; }
  // The vocabulary size in this layout (fairseq: piece_size() + 2).
  int32_t VocabSize() const override;
  // The number of sentencepiece pieces.
  int32_t piece_size() const { return piece_size_; }
  const SpecialIds& special_ids() const override { return special_ids_; }

  // The id of `piece` in this layout; the unknown id when the model does not have it.
  int32_t PieceToId(std::string_view piece) const override;
  // The piece of `id`; kInvalidInput when id is outside [0, VocabSize()).
  Result<std::string> IdToPiece(int32_t id) const override;
  // kInvalidInput when id is outside [0, VocabSize()); fairseq's <pad>/<mask> are kControl.
  Result<PieceType> TypeOf(int32_t id) const;

  // Encodes UTF-8 text. No <s>/</s> is added.
  Result<Encoding> Encode(std::string_view text) const;
  // Appends the tokens of `text` to `out` (the form batch encoders use to avoid allocations).
  // Offsets are relative to `text`. On failure `out` keeps what it had before the call.
  Status EncodeAppend(std::string_view text, Encoding* out) const override;
  // The same as EncodeAppend: each word gets its "▁" from sentencepiece's dummy prefix.
  Status EncodeWordAppend(std::string_view word, Encoding* out) const override { return EncodeAppend(word, out); }
  // Encodes and also returns each piece's text.
  Result<PieceEncoding> EncodePieces(std::string_view text) const;

  // Decodes ids of this layout. Control ids (<s>, </s>, and fairseq's <pad>, <mask>) decode to
  // nothing; <unk> decodes as sentencepiece renders it (" ⁇ "). kInvalidInput for an id outside
  // the vocabulary, naming its position.
  Result<std::string> Decode(const std::vector<int32_t>& ids) const override;

  // The serialized ModelProto (what to store as an artifact; loads back with LoadBytes).
  std::string SerializedProto() const;

 private:
  SentencePieceModel() = default;
  void MapToLayout(int32_t* ids, size_t count) const;

  std::shared_ptr<const SpmModule> module_;
  std::shared_ptr<XspmModel> handle_;
  IdLayout layout_ = IdLayout::kSentencePiece;
  int32_t piece_size_ = 0;
  SpecialIds special_ids_;
};

}  // namespace xstilts
