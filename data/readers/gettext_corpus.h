// An aligned multilingual corpus from the gettext catalogs every Debian machine has:
// /usr/share/locale/<lang>/LC_MESSAGES/<domain>.mo hold, per text domain (package), English
// source strings (msgid) and their human translations. Aligning on the English msgid gives
// parallel text in dozens of languages with the domain as a natural label (which package a
// message comes from), for zero-shot cross-lingual classification experiments.
//
// Which messages are kept: an entry counts for a language when its first translation form is not
// empty. Fuzzy translations never reach a .mo file (msgfmt drops them unless run with
// --use-fuzzy, and the flag itself is not stored), so they cannot be filtered here. The header
// entry (empty msgid) and system-dependent strings (.mo minor revision 1) are not messages.
//
// Thread-safe (no shared state); reads files only. Corrupt catalogs throw InputError naming the
// file (see gettext_mo.h).
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

struct GettextCorpusOptions {
  std::filesystem::path locale_dir = "/usr/share/locale";
  // Locale folder names, e.g. {"de", "zh_CN", "pt_BR"}; at least one. A language without a
  // <locale_dir>/<lang>/LC_MESSAGES folder is an error.
  std::vector<std::string> languages;
  // Text domains (file names without .mo); empty = every domain found for any language. A listed
  // domain found for none of the languages is an error; one missing for some languages is not.
  std::vector<std::string> domains;
  // Keep plural entries (English: the singular msgid; translation: the first plural form).
  bool include_plurals = true;
};

struct AlignedMessage {
  std::string domain;
  std::string context;                    // msgctxt, "" when none
  std::string msgid;                      // the English source string
  std::string msgid_plural;               // "" unless a plural entry
  std::vector<std::string> translations;  // parallel to GettextCorpus::languages; "" = none
};

struct GettextCorpus {
  std::vector<std::string> languages;    // as requested
  std::vector<std::string> domains;      // sorted: the domains that contributed messages
  // Sorted by (domain, context, msgid, msgid_plural); each has at least one translation.
  std::vector<AlignedMessage> messages;
  // Every .mo file read, sorted; hash their contents to key a cache entry on this corpus.
  std::vector<std::filesystem::path> files_read;
};

GettextCorpus BuildGettextCorpus(const GettextCorpusOptions& options);

// Sentence classification examples: for message k (id "k", shared across languages so aligned
// examples can be found again), an "en" example with the msgid when include_english, then one
// example per language with a translation; text_a = the text, label = the domain. Labels: the
// corpus's domains.
Examples GettextCorpusToExamples(const GettextCorpus& corpus, bool include_english = true);

// ReadDataset's "gettext" format: `locale_dir` is the folder holding <lang>/LC_MESSAGES;
// options.languages (required), domains, include_plurals, include_english.
Examples ReadGettext(const std::filesystem::path& locale_dir, const ReadOptions& options = {});

}  // namespace xstilts
