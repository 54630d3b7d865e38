// The "tokenizer" artifact: a tokenizer of either format (tokenizer/tokenizer.h) as the
// `train_tokenizer` and `tokenizer` nodes write it and `tokenize` reads it. docs/artifacts.md,
// section "tokenizer", documents the layout:
//
//   root attributes  kind = "tokenizer", version = 2, format ("sentencepiece" | "bpe"),
//                    id_layout ("spm" | "fairseq" | "vocab_json"), model_type ("unigram" |
//                    "bpe" | "word" | "char" | "byte_level_bpe"), vocab_size, piece_size,
//                    pad_id, bos_id, eos_id, unk_id, mask_id (-1: the vocabulary has none)
//   sentencepiece    /model: uint8 [bytes], the serialized ModelProto (a .model file)
//   bpe              /vocab_json, /merges: uint8 [bytes], the vocab.json and merges.txt files
//   /sample/language, /sample/available, /sample/sampled
//                    train_tokenizer only: sentences per language before and after sampling
// Version 1 (sentencepiece only, no `format`) is still read.
//
// Errors: WriteTokenizerArtifact and LoadTokenizer throw InputError when the model does not
// load (message naming `name` or the file); ReadTokenizerArtifact throws InputError for a file
// of another kind, a newer version or an unknown format; HDF5 failures throw H5Error. Safe to
// call from several threads on different files.
#pragma once

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/id_layout.h"
#include "tokenizer/language_sampling.h"
#include "tokenizer/sentencepiece_model.h"
#include "tokenizer/tokenizer.h"

namespace xstilts {

inline constexpr const char* kTokenizerArtifactKind = "tokenizer";
inline constexpr int kTokenizerArtifactVersion = 2;

struct TokenizerArtifact {
  TokenizerFormat format = TokenizerFormat::kSentencePiece;
  std::string model_proto;  // sentencepiece: serialized ModelProto
  IdLayout id_layout = IdLayout::kFairseq;  // sentencepiece only
  std::string vocab_json;  // bpe: the vocab.json file
  std::string merges;      // bpe: the merges.txt file
  std::string model_type;
  std::vector<LanguageQuota> sample;  // empty unless trained by train_tokenizer
};

// Loads the model (to check it and to fill the attributes) and writes the artifact to `path`.
// `name` names the model in error messages (bpe: the directory holding vocab.json and merges.txt).
void WriteTokenizerArtifact(const TokenizerArtifact& artifact, const std::filesystem::path& path,
                            const std::string& name);

TokenizerArtifact ReadTokenizerArtifact(const std::filesystem::path& path);

// ReadTokenizerArtifact, then the model loaded (sentencepiece: in the artifact's id layout).
std::shared_ptr<const Tokenizer> LoadTokenizer(const std::filesystem::path& path);

// The tokenizer an artifact holds, loaded; `name` names it in error messages.
std::shared_ptr<const Tokenizer> LoadTokenizer(const TokenizerArtifact& artifact, const std::string& name);

// The model type recorded in a serialized ModelProto's trainer_spec ("unigram" when it records
// none, as sentencepiece assumes), or "" when the bytes are not a well-formed protobuf message.
std::string SentencePieceModelType(std::string_view model_proto);

}  // namespace xstilts
