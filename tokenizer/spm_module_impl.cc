// The sentencepiece module: the only code in xstilts that links libsentencepiece. See
// spm_module_api.h for the contract and docs/tokenizer.md for why it is a separate module.
#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>
#include <sys/single_threaded.h>

#include <cstdio>
#include <cstring>
#include <exception>
#include <iostream>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/spm_module_api.h"

#define XSPM_EXPORT extern "C" __attribute__((visibility("default")))

struct XspmModel {
  sentencepiece::SentencePieceProcessor processor;
};

namespace {

void SetError(XspmError* err, int code, const std::string& message) {
  err->code = code;
  std::snprintf(err->message, sizeof(err->message), "%s", message.c_str());
}

// sentencepiece's failed checks read "./src/file.cc(123) [condition] message"; the location means
// nothing to a user, the message does. With no message, say which check failed.
std::string Readable(const std::string& message) {
  const size_t open = message.find(" [");
  if (message.find(".cc(") == std::string::npos || open == std::string::npos) return message;
  const size_t close = message.find("] ", open);
  if (close == std::string::npos) {
    return "check failed: " + message.substr(open + 2, message.rfind(']') - open - 2);
  }
  std::string rest = message.substr(close + 2);
  while (!rest.empty() && rest.back() == ' ') rest.pop_back();
  if (rest.empty()) return "check failed: " + message.substr(open + 2, close - open - 2);
  return rest;
}

int FromStatus(XspmError* err, const sentencepiece::util::Status& status) {
  if (status.ok()) {
    err->code = XSPM_OK;
    err->message[0] = '\0';
    return 0;
  }
  // sentencepiece reports malformed input (bad proto, bad option) as INVALID_ARGUMENT or
  // INTERNAL; callers only need to know it was the input, which is what both mean here.
  const auto code = status.code();
  SetError(
      err,
      code == sentencepiece::util::StatusCode::kInternal ? XSPM_INTERNAL : XSPM_INVALID_ARGUMENT,
      Readable(status.error_message()));
  return 1;
}

// Encoding reuses one SentencePieceText per thread: protobuf keeps cleared repeated elements and
// string capacity, so after warm-up an encode allocates almost nothing. This is what makes the
// module faster per thread than spm_encode, which builds a fresh proto for every line.
sentencepiece::ImmutableSentencePieceText& ThreadLocalText() {
  thread_local sentencepiece::ImmutableSentencePieceText text;
  return text;
}

class ArraySentenceIterator : public sentencepiece::SentenceIterator {
 public:
  ArraySentenceIterator(const char* const* sentences, const size_t* sizes, size_t count)
      : sentences_(sentences), sizes_(sizes), count_(count) {
    Load();
  }
  bool done() const override { return index_ >= count_; }
  void Next() override {
    ++index_;
    Load();
  }
  const std::string& value() const override { return value_; }
  sentencepiece::util::Status status() const override { return sentencepiece::util::Status(); }

 private:
  void Load() {
    if (index_ < count_) value_.assign(sentences_[index_], sizes_[index_]);
  }
  const char* const* sentences_;
  const size_t* sizes_;
  size_t count_;
  size_t index_ = 0;
  std::string value_;
};

template <typename Fn>
int Guarded(XspmError* err, Fn&& fn) {
  try {
    return fn();
  } catch (const std::exception& e) {
    SetError(err, XSPM_INTERNAL, std::string("sentencepiece module: ") + e.what());
  } catch (...) {
    SetError(err, XSPM_INTERNAL, "sentencepiece module: unknown exception");
  }
  return 1;
}

}  // namespace

XSPM_EXPORT uint32_t xspm_abi_version(void) { return XSTILTS_SPM_ABI_VERSION; }

XSPM_EXPORT void xspm_shared_object_addresses(const void** out, size_t count) {
  const void* all[] = {&std::cout, &std::cin, &std::cerr, &std::clog, &__libc_single_threaded};
  for (size_t i = 0; i < count && i < sizeof(all) / sizeof(all[0]); ++i) out[i] = all[i];
}

XSPM_EXPORT XspmModel* xspm_load_bytes(const char* data, size_t size, XspmError* err) {
  XspmModel* result = nullptr;
  Guarded(err, [&] {
    auto model = std::make_unique<XspmModel>();
    const auto status = model->processor.LoadFromSerializedProto(std::string_view(data, size));
    if (!status.ok() && std::strstr(status.error_message(), "ParseFromArray") != nullptr) {
      SetError(err, XSPM_INVALID_ARGUMENT, "the bytes do not parse as a ModelProto");
      return 1;
    }
    if (FromStatus(err, status) != 0) return 1;
    result = model.release();
    return 0;
  });
  return result;
}

XSPM_EXPORT void xspm_free(XspmModel* model) { delete model; }

XSPM_EXPORT void xspm_serialize(const XspmModel* model, XspmBytesFn out, void* ctx) {
  const std::string bytes = model->processor.serialized_model_proto();
  out(ctx, bytes.data(), bytes.size());
}

XSPM_EXPORT int32_t xspm_piece_size(const XspmModel* model) {
  return model->processor.GetPieceSize();
}

XSPM_EXPORT int32_t xspm_special_id(const XspmModel* model, int which) {
  const auto& p = model->processor;
  switch (which) {
    case XSPM_SPECIAL_UNK:
      return p.unk_id();
    case XSPM_SPECIAL_BOS:
      return p.bos_id();
    case XSPM_SPECIAL_EOS:
      return p.eos_id();
    case XSPM_SPECIAL_PAD:
      return p.pad_id();
    default:
      return -1;
  }
}

XSPM_EXPORT int32_t xspm_piece_to_id(const XspmModel* model, const char* piece, size_t size) {
  return model->processor.PieceToId(std::string_view(piece, size));
}

XSPM_EXPORT int xspm_id_to_piece(const XspmModel* model, int32_t id, const char** piece,
                                 size_t* size) {
  if (id < 0 || id >= model->processor.GetPieceSize()) return 1;
  const std::string& s = model->processor.IdToPiece(id);
  *piece = s.data();
  *size = s.size();
  return 0;
}

XSPM_EXPORT int xspm_piece_type(const XspmModel* model, int32_t id) {
  const auto& p = model->processor;
  if (id < 0 || id >= p.GetPieceSize()) return XSPM_PIECE_OUT_OF_RANGE;
  if (p.IsUnknown(id)) return XSPM_PIECE_UNKNOWN;
  if (p.IsControl(id)) return XSPM_PIECE_CONTROL;
  if (p.IsUnused(id)) return XSPM_PIECE_UNUSED;
  if (p.IsByte(id)) return XSPM_PIECE_BYTE;
  return XSPM_PIECE_NORMAL;
}

XSPM_EXPORT int xspm_encode(const XspmModel* model, const char* text, size_t size,
                            XspmReserveFn reserve, void* ctx, XspmError* err) {
  return Guarded(err, [&] {
    auto& spt = ThreadLocalText();
    if (FromStatus(
            err, model->processor.Encode(std::string_view(text, size), spt.mutable_proto())) != 0) {
      return 1;
    }
    const size_t n = spt.pieces_size();
    int32_t* ids = nullptr;
    uint32_t* begins = nullptr;
    uint32_t* ends = nullptr;
    if (reserve(ctx, n, &ids, &begins, &ends) == 0) {
      SetError(err, XSPM_INTERNAL, "the caller could not provide room for the tokens");
      return 1;
    }
    for (size_t i = 0; i < n; ++i) {
      const auto piece = spt.pieces(static_cast<int>(i));
      ids[i] = static_cast<int32_t>(piece.id());
      begins[i] = piece.begin();
      ends[i] = piece.end();
    }
    return 0;
  });
}

XSPM_EXPORT int xspm_encode_pieces(const XspmModel* model, const char* text, size_t size,
                                   XspmPieceFn piece_fn, void* ctx, XspmError* err) {
  return Guarded(err, [&] {
    auto& spt = ThreadLocalText();
    if (FromStatus(
            err, model->processor.Encode(std::string_view(text, size), spt.mutable_proto())) != 0) {
      return 1;
    }
    for (size_t i = 0; i < spt.pieces_size(); ++i) {
      const auto piece = spt.pieces(static_cast<int>(i));
      piece_fn(ctx, piece.piece().data(), piece.piece().size(), static_cast<int32_t>(piece.id()),
               piece.begin(), piece.end());
    }
    return 0;
  });
}

XSPM_EXPORT int xspm_decode(const XspmModel* model, const int32_t* ids, size_t count,
                            XspmBytesFn out, void* ctx, XspmError* err) {
  return Guarded(err, [&] {
    const int size = model->processor.GetPieceSize();
    std::vector<int> spm_ids(ids, ids + count);
    for (size_t i = 0; i < count; ++i) {
      // sentencepiece CHECK-fails (aborts) on out-of-range ids; refuse them here instead.
      if (spm_ids[i] < 0 || spm_ids[i] >= size) {
        SetError(err, XSPM_INVALID_ARGUMENT,
                 "id " + std::to_string(spm_ids[i]) + " at position " + std::to_string(i) +
                     " is outside the vocabulary [0, " + std::to_string(size) + ")");
        return 1;
      }
    }
    std::string text;
    if (FromStatus(err, model->processor.Decode(spm_ids, &text)) != 0) return 1;
    out(ctx, text.data(), text.size());
    return 0;
  });
}

XSPM_EXPORT int xspm_train(const char* const* sentences, const size_t* sizes, size_t count,
                           const char* const* option_keys, const char* const* option_values,
                           size_t option_count, XspmBytesFn out, void* ctx, XspmError* err) {
  return Guarded(err, [&] {
    std::unordered_map<std::string, std::string> kwargs;
    for (size_t i = 0; i < option_count; ++i) {
      const std::string key = option_keys[i];
      if (key == "input" || key == "model_prefix") {
        SetError(err, XSPM_INVALID_ARGUMENT, "option '" + key + "' is set by the module");
        return 1;
      }
      kwargs[key] = option_values[i];
    }
    ArraySentenceIterator iterator(sentences, sizes, count);
    std::string model;
    if (FromStatus(err, sentencepiece::SentencePieceTrainer::Train(kwargs, &iterator, &model)) !=
        0) {
      return 1;
    }
    out(ctx, model.data(), model.size());
    return 0;
  });
}
