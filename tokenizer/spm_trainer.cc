#include "tokenizer/spm_trainer.h"

#include <mutex>
#include <sstream>

#include "tokenizer/spm_module.h"

namespace xstilts {
namespace {

void AppendBytes(void* ctx, const char* data, size_t size) {
  static_cast<std::string*>(ctx)->append(data, size);
}

std::string Number(double value) {
  std::ostringstream out;
  out.precision(17);
  out << value;
  return out.str();
}

Status Validate(const SpmTrainOptions& o) {
  std::string problems;
  auto bad = [&](const std::string& what) { problems += (problems.empty() ? "" : "; ") + what; };
  if (o.vocab_size <= 3) bad("vocab_size must be > 3, got " + std::to_string(o.vocab_size));
  if (!(o.character_coverage > 0 && o.character_coverage <= 1)) {
    bad("character_coverage must be in (0, 1], got " + Number(o.character_coverage));
  }
  if (!(o.sampling_alpha >= 0)) {
    bad("sampling_alpha must be >= 0, got " + Number(o.sampling_alpha));
  }
  if (o.num_threads < 1) bad("num_threads must be >= 1, got " + std::to_string(o.num_threads));
  if (o.max_sentence_length < 1) {
    bad("max_sentence_length must be >= 1, got " + std::to_string(o.max_sentence_length));
  }
  for (const std::string& s : o.user_defined_symbols) {
    if (s.empty() || s.find(',') != std::string::npos) {
      bad("user_defined_symbols entries must be non-empty and contain no ',': '" + s + "'");
    }
  }
  if (problems.empty()) return Status::Ok();
  return Status::Error(ErrorKind::kInvalidInput, "sentencepiece training options: " + problems);
}

}  // namespace

Result<SpmTrainResult> TrainSentencePiece(const std::vector<LanguageSentence>& sentences,
                                          const SpmTrainOptions& options) {
  XSTILTS_RETURN_IF_ERROR(Validate(options));
  if (sentences.empty()) {
    return Status::Error(ErrorKind::kInvalidInput, "sentencepiece training: no sentences");
  }
  auto module = SpmModule::Shared();
  if (!module.ok()) return module.status();

  std::vector<std::string> languages;
  languages.reserve(sentences.size());
  for (const auto& s : sentences) languages.push_back(s.language);
  SpmTrainResult result;
  const size_t total = options.sample_size == 0 ? sentences.size() : options.sample_size;
  const std::vector<size_t> sample =
      SampleByLanguage(languages, options.sampling_alpha, total, options.seed, &result.sample);

  std::vector<const char*> texts;
  std::vector<size_t> sizes;
  texts.reserve(sample.size());
  sizes.reserve(sample.size());
  for (size_t i : sample) {
    texts.push_back(sentences[i].text.data());
    sizes.push_back(sentences[i].text.size());
  }

  std::string symbols;
  for (const std::string& s : options.user_defined_symbols) {
    symbols += (symbols.empty() ? "" : ",") + s;
  }
  std::vector<std::pair<std::string, std::string>> spm_options = {
      {"model_type", options.model_type == SpmModelType::kBpe ? "bpe" : "unigram"},
      {"vocab_size", std::to_string(options.vocab_size)},
      {"character_coverage", Number(options.character_coverage)},
      {"num_threads", std::to_string(options.num_threads)},
      {"max_sentence_length", std::to_string(options.max_sentence_length)},
      {"byte_fallback", options.byte_fallback ? "true" : "false"},
      {"hard_vocab_limit", options.hard_vocab_limit ? "true" : "false"},
      // Our sample is the input: no second sampling or shuffling inside sentencepiece.
      {"input_sentence_size", "0"},
      {"shuffle_input_sentence", "false"},
      // 2 = errors only.
      {"minloglevel", options.verbose ? "0" : "2"},
  };
  if (!symbols.empty()) spm_options.emplace_back("user_defined_symbols", symbols);
  std::vector<const char*> keys;
  std::vector<const char*> values;
  for (const auto& [k, v] : spm_options) {
    keys.push_back(k.c_str());
    values.push_back(v.c_str());
  }

  static std::mutex training;
  std::lock_guard<std::mutex> lock(training);
  XspmError err{};
  if (module.value()->api().train(texts.data(), sizes.data(), texts.size(), keys.data(),
                                  values.data(), keys.size(), &AppendBytes, &result.model_proto,
                                  &err) != 0) {
    return Status::Error(ErrorKind::kFailed,
                         std::string("sentencepiece training failed: ") + err.message);
  }
  return result;
}

}  // namespace xstilts
