#include "tokenizer/sentencepiece_model.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <iterator>
#include <sstream>

#include "base/expected_content.h"
#include "tokenizer/spm_module.h"

namespace xstilts {
namespace {

void AppendBytes(void* ctx, const char* data, size_t size) {
  static_cast<std::string*>(ctx)->append(data, size);
}

int ReserveTokens(void* ctx, size_t count, int32_t** ids, uint32_t** begins, uint32_t** ends) {
  auto* out = static_cast<Encoding*>(ctx);
  const size_t old = out->ids.size();
  out->ids.resize(old + count);
  out->begins.resize(old + count);
  out->ends.resize(old + count);
  *ids = out->ids.data() + old;
  *begins = out->begins.data() + old;
  *ends = out->ends.data() + old;
  return 1;
}

void AppendPiece(void* ctx, const char* piece, size_t size, int32_t id, uint32_t begin,
                 uint32_t end) {
  auto* out = static_cast<PieceEncoding*>(ctx);
  out->pieces.emplace_back(piece, size);
  out->tokens.ids.push_back(id);
  out->tokens.begins.push_back(begin);
  out->tokens.ends.push_back(end);
}

Status OutOfRange(int32_t id, int32_t vocab_size) {
  return Status::Error(ErrorKind::kInvalidInput, "id " + std::to_string(id) +
                                                     " is outside the vocabulary [0, " +
                                                     std::to_string(vocab_size) + ")");
}

}  // namespace

const char* IdLayoutName(IdLayout layout) {
  return layout == IdLayout::kFairseq ? "fairseq" : "spm";
}

std::optional<IdLayout> ParseIdLayout(const std::string& name) {
  if (name == "spm") return IdLayout::kSentencePiece;
  if (name == "fairseq") return IdLayout::kFairseq;
  return std::nullopt;
}

Result<SentencePieceModel> SentencePieceModel::LoadFile(const std::string& path, IdLayout layout) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    const int error = errno;
    return Status::Error(error == ENOENT ? ErrorKind::kNotFound : ErrorKind::kIo,
                         path + ": cannot read sentencepiece model: " + std::strerror(error));
  }
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) {
    return Status::Error(ErrorKind::kIo, path + ": read error while loading sentencepiece model");
  }
  try {
    CheckExpectedContent(path, bytes);
  } catch (const ContentChangedError& e) {
    return Status::Error(ErrorKind::kFailed, e.what());
  }
  return LoadBytes(bytes, layout, path);
}

Result<SentencePieceModel> SentencePieceModel::LoadBytes(std::string_view bytes, IdLayout layout,
                                                         const std::string& name) {
  auto module = SpmModule::Shared();
  if (!module.ok()) return module.status().WithContext(name);
  return LoadBytes(module.value(), bytes, layout, name);
}

Result<SentencePieceModel> SentencePieceModel::LoadBytes(std::shared_ptr<const SpmModule> module,
                                                         std::string_view bytes, IdLayout layout,
                                                         const std::string& name) {
  // An empty buffer parses as an empty ModelProto, which sentencepiece then rejects with a
  // message about the vocabulary; say what actually happened.
  if (bytes.empty()) {
    return Status::Error(ErrorKind::kCorrupt,
                         name + ": not a sentencepiece model: the file is empty");
  }
  const SpmApi& api = module->api();
  XspmError err{};
  XspmModel* raw = api.load_bytes(bytes.data(), bytes.size(), &err);
  if (raw == nullptr) {
    return Status::Error(ErrorKind::kCorrupt, name + ": not a sentencepiece model: " + err.message);
  }
  SentencePieceModel model;
  model.handle_ = std::shared_ptr<XspmModel>(raw, api.free);
  model.module_ = std::move(module);
  model.layout_ = layout;
  model.piece_size_ = api.piece_size(raw);
  const int32_t unk = api.special_id(raw, XSPM_SPECIAL_UNK);
  const int32_t bos = api.special_id(raw, XSPM_SPECIAL_BOS);
  const int32_t eos = api.special_id(raw, XSPM_SPECIAL_EOS);
  const int32_t pad = api.special_id(raw, XSPM_SPECIAL_PAD);
  if (layout == IdLayout::kSentencePiece) {
    model.special_ids_ = SpecialIds{unk, bos, eos, pad, -1};
    return model;
  }
  if (unk != fairseq::kSpmUnk || bos != fairseq::kSpmBos || eos != fairseq::kSpmEos || pad != -1) {
    std::ostringstream message;
    message << name << ": the fairseq id layout needs sentencepiece's <unk>=0, <s>=1, </s>=2 "
            << "and no <pad> (as in XLM-R's sentencepiece.bpe.model); this model has <unk>=" << unk
            << ", <s>=" << bos << ", </s>=" << eos << ", <pad>=" << pad;
    return Status::Error(ErrorKind::kInvalidInput, message.str());
  }
  model.special_ids_ = SpecialIds{fairseq::kUnk, fairseq::kBos, fairseq::kEos, fairseq::kPad,
                                  fairseq::MaskId(model.piece_size_)};
  return model;
}

int32_t SentencePieceModel::VocabSize() const {
  return layout_ == IdLayout::kFairseq ? fairseq::VocabSize(piece_size_) : piece_size_;
}

void SentencePieceModel::MapToLayout(int32_t* ids, size_t count) const {
  if (layout_ != IdLayout::kFairseq) return;
  for (size_t i = 0; i < count; ++i) ids[i] = fairseq::FromSpm(ids[i]);
}

int32_t SentencePieceModel::PieceToId(std::string_view piece) const {
  if (layout_ == IdLayout::kFairseq) {
    // Hugging Face checks these names before asking sentencepiece.
    if (piece == "<s>") return fairseq::kBos;
    if (piece == "<pad>") return fairseq::kPad;
    if (piece == "</s>") return fairseq::kEos;
    if (piece == "<unk>") return fairseq::kUnk;
    if (piece == "<mask>") return special_ids_.mask;
  }
  int32_t id = module_->api().piece_to_id(handle_.get(), piece.data(), piece.size());
  MapToLayout(&id, 1);
  return id;
}

Result<std::string> SentencePieceModel::IdToPiece(int32_t id) const {
  if (id < 0 || id >= VocabSize()) return OutOfRange(id, VocabSize());
  int32_t spm_id = id;
  if (layout_ == IdLayout::kFairseq) {
    switch (id) {
      case fairseq::kBos:
        return std::string("<s>");
      case fairseq::kPad:
        return std::string("<pad>");
      case fairseq::kEos:
        return std::string("</s>");
      case fairseq::kUnk:
        return std::string("<unk>");
      default:
        break;
    }
    if (id == special_ids_.mask) return std::string("<mask>");
    spm_id = *fairseq::ToSpm(id, piece_size_);
  }
  const char* data = nullptr;
  size_t size = 0;
  if (module_->api().id_to_piece(handle_.get(), spm_id, &data, &size) != 0) {
    return OutOfRange(id, VocabSize());
  }
  return std::string(data, size);
}

Result<PieceType> SentencePieceModel::TypeOf(int32_t id) const {
  if (id < 0 || id >= VocabSize()) return OutOfRange(id, VocabSize());
  int32_t spm_id = id;
  if (layout_ == IdLayout::kFairseq) {
    const auto mapped = fairseq::ToSpm(id, piece_size_);
    if (!mapped) return PieceType::kControl;  // <pad>, <mask>
    spm_id = *mapped;
  }
  switch (module_->api().piece_type(handle_.get(), spm_id)) {
    case XSPM_PIECE_UNKNOWN:
      return PieceType::kUnknown;
    case XSPM_PIECE_CONTROL:
      return PieceType::kControl;
    case XSPM_PIECE_UNUSED:
      return PieceType::kUnused;
    case XSPM_PIECE_BYTE:
      return PieceType::kByte;
    default:
      return PieceType::kNormal;
  }
}

Status SentencePieceModel::EncodeAppend(std::string_view text, Encoding* out) const {
  const size_t old = out->ids.size();
  XspmError err{};
  if (module_->api().encode(handle_.get(), text.data(), text.size(), &ReserveTokens, out, &err) !=
      0) {
    return Status::Error(ErrorKind::kFailed, std::string("sentencepiece encode: ") + err.message);
  }
  MapToLayout(out->ids.data() + old, out->ids.size() - old);
  return Status::Ok();
}

Result<Encoding> SentencePieceModel::Encode(std::string_view text) const {
  Encoding encoding;
  XSTILTS_RETURN_IF_ERROR(EncodeAppend(text, &encoding));
  return encoding;
}

Result<PieceEncoding> SentencePieceModel::EncodePieces(std::string_view text) const {
  PieceEncoding result;
  XspmError err{};
  if (module_->api().encode_pieces(handle_.get(), text.data(), text.size(), &AppendPiece, &result,
                                   &err) != 0) {
    return Status::Error(ErrorKind::kFailed, std::string("sentencepiece encode: ") + err.message);
  }
  MapToLayout(result.tokens.ids.data(), result.tokens.ids.size());
  return result;
}

Result<std::string> SentencePieceModel::Decode(const std::vector<int32_t>& ids) const {
  std::vector<int32_t> spm_ids;
  spm_ids.reserve(ids.size());
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t id = ids[i];
    if (id < 0 || id >= VocabSize()) {
      return Status::Error(ErrorKind::kInvalidInput, "id " + std::to_string(id) + " at position " +
                                                         std::to_string(i) +
                                                         " is outside the vocabulary [0, " +
                                                         std::to_string(VocabSize()) + ")");
    }
    if (layout_ == IdLayout::kFairseq) {
      const auto mapped = fairseq::ToSpm(id, piece_size_);
      if (mapped) spm_ids.push_back(*mapped);  // <pad>, <mask>: nothing to decode
    } else {
      spm_ids.push_back(id);
    }
  }
  std::string text;
  XspmError err{};
  if (module_->api().decode(handle_.get(), spm_ids.data(), spm_ids.size(), &AppendBytes, &text,
                            &err) != 0) {
    return Status::Error(ErrorKind::kFailed, std::string("sentencepiece decode: ") + err.message);
  }
  return text;
}

std::string SentencePieceModel::SerializedProto() const {
  std::string bytes;
  module_->api().serialize(handle_.get(), &AppendBytes, &bytes);
  return bytes;
}

}  // namespace xstilts
