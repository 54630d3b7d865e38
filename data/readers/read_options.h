// ReadOptions: the parameters a dataset reader takes. One struct for all readers; each format
// uses a few fields (docs/datasets.md and DatasetFormat::options list which). Defaults are the
// right choice for the files as published.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/readers/text_file.h"

namespace xstilts {

// Whether PAN-X token lines carry a `lang:` prefix (the raw WikiANN split files do, XTREME's
// processed files do not).
enum class LangPrefix {
  kAuto,    // strip it when every token line of the file starts with the same `xx:` prefix
  kAlways,  // every token line must have one
  kNever,   // tokens are taken as written
};

struct ReadOptions {
  // Language of a single-language file. "" (default): inferred from the file name (the first
  // `-`/`_`/`.`-separated piece of the file name, then of its folder name, that is a known
  // language code: dev-de.tsv, xquad.ar.json, en_ewt-ud-dev.conllu, xglue_de/test.txt); formats
  // that exist only in English (SQuAD, GLUE, ANLI, ...) default to "en".
  std::string language;
  // xnli_raw / xnli_jsonl (all languages in one file): keep only these; empty keeps all.
  // gettext: the locale folders to read, e.g. {"de", "zh_CN"}; required.
  std::vector<std::string> languages;
  // xnli / pawsx (XTREME TSV): kCsv (default) undoes the quoting that Python's csv.writer added
  // when XTREME wrote the files; kNone keeps the quote characters in the text, which is what
  // XTREME's own readers (csv quotechar=None) feed the model.
  Quoting quoting = Quoting::kCsv;
  // conllu: which CoNLL-U column becomes the tag: "upos" (default) or "xpos".
  std::string tag_column = "upos";
  // panx: see LangPrefix.
  LangPrefix lang_prefix = LangPrefix::kAuto;
  // squad family: check that every answer_start points at its answer text (default true).
  bool verify_answers = true;
  // squad family, with verify_answers: leave out the answers that fail the check (and a question
  // whose every answer fails) instead of refusing the file. For machine-translated data such as
  // XTREME's translate-train SQuAD, where a translated answer need not appear at its offset.
  // The option value "drop" sets both.
  bool drop_unverified_answers = false;
  // ccg: jiant's tags_to_id.json ({"tag": id, ...}) fixing the tag set and its order; "" uses the
  // sorted set of tags seen in the file.
  std::filesystem::path tags_file;
  // gettext: text domains (the .mo file names without .mo) to read; empty reads every domain
  // found for any of the languages.
  std::vector<std::string> domains;
  // gettext: also use plural entries (English singular msgid, first plural form of msgstr).
  bool include_plurals = true;
  // gettext: add the English msgid of every aligned message as an "en" example.
  bool include_english = true;
};

}  // namespace xstilts
