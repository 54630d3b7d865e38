// Language codes for dataset readers: inferring a file's language from its name, and mapping the
// other code systems found in benchmark files (Tatoeba's ISO 639-3, TyDi QA's language names) to
// the two-letter codes XTREME reports results under. Pure functions, thread-safe.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>

#include "data/readers/read_options.h"

namespace xstilts {

// True for the ISO 639-1 codes of the languages XTREME, XTREME-R, XNLI, MLQA, TyDi QA and
// XLM-R's pretraining data cover.
bool IsKnownLanguageCode(std::string_view code);

// The first piece of the file name (without extension), then of the parent folder name, split on
// '-', '_' and '.', that is a known language code; "" when there is none.
// "dev-de.tsv" -> "de", "dev-context-en-question-de.json" -> "en" (MLQA: the context language),
// "en_ewt-ud-dev.conllu" -> "en", "xglue_de/test.txt" -> "de", "dev-v1.1.json" -> "".
// XTREME's translate-train files are named for the language translated into, English first:
// "en-de-translated.tsv" -> "de", "squad.translate.train.en-de.json" -> "de" (a name has to say
// "translat" for this rule; "test-de-en-translated.tsv" (translate-test) stays "de").
std::string InferLanguage(const std::filesystem::path& path);

// options.language if set, else InferLanguage(path), else `fallback` if not empty; otherwise
// throws InputError `path: cannot tell the language from the file name; set the 'language'
// option`.
std::string ResolveLanguage(const ReadOptions& options, const std::filesystem::path& path,
                            std::string_view fallback = {});

// XTREME's code for a Tatoeba ISO 639-3 code ("ara" -> "ar", "cmn" -> "zh", "eng" -> "en");
// codes XTREME does not use are returned unchanged.
std::string TatoebaLanguageCode(std::string_view iso639_3);

// The language of a TyDi QA example from its id ("arabic-2387335860751143628-1" -> "ar");
// "" when the id does not start with a TyDi QA language name.
std::string TydiLanguageFromId(std::string_view id);

}  // namespace xstilts
