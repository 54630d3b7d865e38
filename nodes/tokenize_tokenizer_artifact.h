// The "tokenizer" artifact: a sentencepiece model and the id layout to use it in, as the
// `train_tokenizer` and `tokenizer` nodes write it and `tokenize` reads it. docs/artifacts.md,
// section "tokenizer", documents the layout:
//
//   root attributes  kind = "tokenizer", version = 1, id_layout ("spm" | "fairseq"),
//                    model_type ("unigram" | "bpe" | "word" | "char"), vocab_size, piece_size,
//                    pad_id, bos_id, eos_id, unk_id, mask_id (-1: the layout has none)
//   /model           uint8 [bytes]: the serialized sentencepiece ModelProto (a .model file)
//   /sample/language, /sample/available, /sample/sampled
//                    train_tokenizer only: sentences per language before and after sampling
//
// Errors: WriteTokenizerArtifact and LoadTokenizer throw InputError when the model bytes are not
// a sentencepiece model or do not fit the layout (message from SentencePieceModel, naming
// `name`); ReadTokenizerArtifact throws InputError for a file of another kind or a newer
// version; HDF5 failures throw H5Error. Safe to call from several threads on different files.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "nodes/tokenizer/id_layout.h"
#include "nodes/tokenizer/language_sampling.h"
#include "nodes/tokenizer/sentencepiece_model.h"

namespace xstilts {

inline constexpr const char* kTokenizerArtifactKind = "tokenizer";
inline constexpr int kTokenizerArtifactVersion = 1;

struct TokenizerArtifact {
  std::string model_proto;  // serialized ModelProto
  IdLayout id_layout = IdLayout::kFairseq;
  std::string model_type;
  std::vector<LanguageQuota> sample;  // empty unless trained by train_tokenizer
};

// Loads `model_proto` in `layout` (to check it and to fill the attributes) and writes the
// artifact to `path`. `name` names the model in error messages.
void WriteTokenizerArtifact(const TokenizerArtifact& artifact, const std::filesystem::path& path,
                            const std::string& name);

TokenizerArtifact ReadTokenizerArtifact(const std::filesystem::path& path);

// ReadTokenizerArtifact, then the model loaded in the artifact's layout.
SentencePieceModel LoadTokenizer(const std::filesystem::path& path);

// The model type recorded in a serialized ModelProto's trainer_spec ("unigram" when it records
// none, as sentencepiece assumes), or "" when the bytes are not a well-formed protobuf message.
std::string SentencePieceModelType(std::string_view model_proto);

}  // namespace xstilts
