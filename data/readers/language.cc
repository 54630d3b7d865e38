#include "data/readers/language.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/input_error.h"

namespace xstilts {
namespace {

// ISO 639-1 codes, then the few ISO 639-3 codes of XLM-R languages without one.
constexpr std::array<std::string_view, 105> kLanguageCodes = {
    "af", "am", "ar", "as", "az", "be", "bg", "bn", "br", "bs", "ca", "cs", "cy", "da", "de",
    "el", "en", "eo", "es", "et", "eu", "fa", "fi", "fr", "fy", "ga", "gd", "gl", "gu", "ha",
    "he", "hi", "hr", "ht", "hu", "hy", "id", "ig", "is", "it", "ja", "jv", "ka", "kk", "km",
    "kn", "ko", "ku", "ky", "la", "lo", "lt", "lv", "mg", "mk", "ml", "mn", "mr", "ms", "mt",
    "my", "ne", "nl", "no", "om", "or", "pa", "pl", "ps", "pt", "qu", "ro", "ru", "sa", "sd",
    "si", "sk", "sl", "so", "sq", "sr", "su", "sv", "sw", "ta", "te", "th", "tl", "tr", "ug",
    "uk", "ur", "uz", "vi", "wo", "xh", "yi", "yo", "zh", "zu", "ceb", "fil", "haw", "hmn", "yue",
};

// XTREME's Tatoeba languages (its lang3 -> lang2 table).
constexpr std::array<std::pair<std::string_view, std::string_view>, 37> kTatoeba = {{
    {"afr", "af"}, {"ara", "ar"}, {"ben", "bn"}, {"bul", "bg"}, {"cmn", "zh"}, {"deu", "de"},
    {"ell", "el"}, {"eng", "en"}, {"est", "et"}, {"eus", "eu"}, {"fin", "fi"}, {"fra", "fr"},
    {"heb", "he"}, {"hin", "hi"}, {"hun", "hu"}, {"ind", "id"}, {"ita", "it"}, {"jav", "jv"},
    {"jpn", "ja"}, {"kat", "ka"}, {"kaz", "kk"}, {"kor", "ko"}, {"mal", "ml"}, {"mar", "mr"},
    {"nld", "nl"}, {"pes", "fa"}, {"por", "pt"}, {"rus", "ru"}, {"spa", "es"}, {"swh", "sw"},
    {"tam", "ta"}, {"tel", "te"}, {"tgl", "tl"}, {"tha", "th"}, {"tur", "tr"}, {"urd", "ur"},
    {"vie", "vi"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 11> kTydi = {{
    {"arabic", "ar"}, {"bengali", "bn"}, {"english", "en"}, {"finnish", "fi"},
    {"indonesian", "id"}, {"japanese", "ja"}, {"korean", "ko"}, {"russian", "ru"},
    {"swahili", "sw"}, {"telugu", "te"}, {"thai", "th"},
}};

std::string FirstCode(std::string_view name) {
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find_first_of("-_.", start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view piece = name.substr(start, end - start);
    if (IsKnownLanguageCode(piece)) return std::string(piece);
    start = end + 1;
  }
  return "";
}

// XTREME's translate-train files name the direction of the translation, English first:
// "en-de-translated" (XNLI, PAWS-X), "squad.translate.train.en-de" (SQuAD). The language is the
// one translated into. Only names that say "translat" count; "" otherwise.
std::string TranslationTarget(std::string_view name) {
  if (name.find("translat") == std::string_view::npos) return "";
  for (size_t at = name.find("en-"); at != std::string_view::npos; at = name.find("en-", at + 1)) {
    // "en" as a whole piece, not the end of "ten-..."
    if (at > 0 && std::string_view("-_.").find(name[at - 1]) == std::string_view::npos) continue;
    const size_t start = at + 3;
    size_t end = name.find_first_of("-_.", start);
    if (end == std::string_view::npos) end = name.size();
    const std::string_view code = name.substr(start, end - start);
    if (code != "en" && IsKnownLanguageCode(code)) return std::string(code);
  }
  return "";
}

}  // namespace

bool IsKnownLanguageCode(std::string_view code) {
  for (std::string_view known : kLanguageCodes) {
    if (known == code) return true;
  }
  return false;
}

std::string InferLanguage(const std::filesystem::path& path) {
  std::string code = TranslationTarget(path.stem().string());
  if (code.empty()) code = FirstCode(path.stem().string());
  if (code.empty()) code = FirstCode(path.parent_path().filename().string());
  return code;
}

std::string ResolveLanguage(const ReadOptions& options, const std::filesystem::path& path,
                            std::string_view fallback) {
  if (!options.language.empty()) return options.language;
  std::string code = InferLanguage(path);
  if (!code.empty()) return code;
  if (!fallback.empty()) return std::string(fallback);
  throw InputError(path.string(), 0,
                   "cannot tell the language from the file name; set the 'language' option");
}

std::string TatoebaLanguageCode(std::string_view iso639_3) {
  for (const auto& [three, two] : kTatoeba) {
    if (three == iso639_3) return std::string(two);
  }
  return std::string(iso639_3);
}

std::string TydiLanguageFromId(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos) return "";
  const std::string_view name = id.substr(0, dash);
  for (const auto& [full, code] : kTydi) {
    if (full == name) return std::string(code);
  }
  return "";
}

}  // namespace xstilts
