// Training a sentencepiece model from multilingual sentences held in memory.
//
// The sentences are first sampled per language with the temperature exponent alpha
// (language_sampling.h), then handed to sentencepiece's trainer (inside the module, see
// spm_module.h). The result is the serialized ModelProto: store it as an artifact and load it
// with SentencePieceModel::LoadBytes. The model keeps sentencepiece's default specials
// (<unk>=0, <s>=1, </s>=2, no <pad>), so both id layouts (id_layout.h) apply to it.
//
// Determinism: the same sentences, options and seed give byte-identical models. sentencepiece's
// own input sampling and shuffling are switched off (the sample above replaces them); its
// unigram trainer splits work over `num_threads`, so keep num_threads fixed for reproducible
// unigram models (BPE does not depend on it).
//
// Threads: one training at a time per process (sentencepiece keeps its log level in a global);
// callers serialize. Errors: kInvalidInput for bad options or no usable sentences, kFailed when
// sentencepiece rejects the data (e.g. vocab_size larger than the data supports), both with
// sentencepiece's message.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "tokenizer/language_sampling.h"

namespace xstilts {

struct LanguageSentence {
  std::string language;
  std::string text;
};

enum class SpmModelType { kUnigram, kBpe };

struct SpmTrainOptions {
  SpmModelType model_type = SpmModelType::kUnigram;
  // Pieces in the final model, specials included. Must be > 3.
  int vocab_size = 8000;
  // Share of characters the model must cover (the rarest others become <unk>); sentencepiece
  // recommends 0.9995 for languages with large character sets, 1.0 for small ones.
  double character_coverage = 0.9995;
  // Temperature exponent for the per-language sample; XLM-R used 0.3. >= 0.
  double sampling_alpha = 0.3;
  // Sentences in the sample; 0 = as many as were given.
  size_t sample_size = 0;
  uint64_t seed = 0;
  // Threads of sentencepiece's trainer.
  int num_threads = 1;
  // Sentences longer than this many bytes are skipped by sentencepiece.
  int max_sentence_length = 4192;
  // Fall back to byte pieces for characters outside the vocabulary instead of <unk>.
  bool byte_fallback = false;
  // false: vocab_size is a soft limit (sentencepiece may return fewer pieces on little data).
  bool hard_vocab_limit = true;
  // Pieces always kept whole (e.g. "<mask>" is NOT needed here: the fairseq layout adds it).
  std::vector<std::string> user_defined_symbols;
  // Let sentencepiece log its progress to stderr.
  bool verbose = false;
};

struct SpmTrainResult {
  std::string model_proto;            // serialized ModelProto
  std::vector<LanguageQuota> sample;  // what was sampled per language
};

// Trains with the shared module (SpmModule::Shared()).
Result<SpmTrainResult> TrainSentencePiece(const std::vector<LanguageSentence>& sentences,
                                          const SpmTrainOptions& options);

}  // namespace xstilts
