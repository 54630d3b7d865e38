#include "data/readers/gettext_corpus.h"

#include <algorithm>
#include <map>
#include <set>
#include <tuple>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/readers/gettext_mo.h"

namespace xstilts {
namespace {

using MessageKey = std::tuple<std::string, std::string, std::string, std::string>;  // domain, ctx, id, plural

std::filesystem::path MessagesDir(const std::filesystem::path& locale_dir, const std::string& language) {
  return locale_dir / language / "LC_MESSAGES";
}

}  // namespace

GettextCorpus BuildGettextCorpus(const GettextCorpusOptions& options) {
  if (options.languages.empty()) {
    throw InputError("option 'languages': expected at least one locale folder name, like [de, zh_CN], got none");
  }
  GettextCorpus corpus;
  corpus.languages = options.languages;
  // Which domain files exist, per language.
  std::set<std::string> all_domains;
  std::vector<std::set<std::string>> present(options.languages.size());
  for (size_t l = 0; l < options.languages.size(); ++l) {
    const std::filesystem::path dir = MessagesDir(options.locale_dir, options.languages[l]);
    std::error_code ec;
    if (!std::filesystem::is_directory(dir, ec)) {
      throw InputError(dir.string(), 0, fmt::format("expected a folder of .mo catalogs for language '{}', got none",
                                                    options.languages[l]));
    }
    for (std::filesystem::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().extension() != ".mo") continue;
      present[l].insert(it->path().stem().string());
      all_domains.insert(it->path().stem().string());
    }
    if (ec) throw InputError(dir.string(), 0, "cannot list: " + ec.message());
  }
  std::vector<std::string> domains(options.domains.begin(), options.domains.end());
  if (domains.empty()) {
    domains.assign(all_domains.begin(), all_domains.end());
  } else {
    std::sort(domains.begin(), domains.end());
    domains.erase(std::unique(domains.begin(), domains.end()), domains.end());
    for (const std::string& domain : domains) {
      if (all_domains.count(domain) == 0) {
        throw InputError(options.locale_dir.string(), 0,
                         fmt::format("expected {}.mo in the LC_MESSAGES folder of at least one of the languages, got none",
                                     domain));
      }
    }
  }
  std::map<MessageKey, std::vector<std::string>> aligned;
  for (const std::string& domain : domains) {
    for (size_t l = 0; l < options.languages.size(); ++l) {
      if (present[l].count(domain) == 0) continue;
      const std::filesystem::path file = MessagesDir(options.locale_dir, options.languages[l]) / (domain + ".mo");
      corpus.files_read.push_back(file);
      for (MoMessage& m : ReadMoFile(file).messages) {
        if (m.msgstr.empty() || m.msgstr[0].empty()) continue;
        if (!m.msgid_plural.empty() && !options.include_plurals) continue;
        std::vector<std::string>& row =
            aligned[MessageKey{domain, std::move(m.context), std::move(m.msgid), std::move(m.msgid_plural)}];
        row.resize(options.languages.size());
        row[l] = std::move(m.msgstr[0]);
      }
    }
  }
  std::sort(corpus.files_read.begin(), corpus.files_read.end());
  corpus.messages.reserve(aligned.size());
  for (auto& [key, translations] : aligned) {
    AlignedMessage m;
    std::tie(m.domain, m.context, m.msgid, m.msgid_plural) = key;
    m.translations = std::move(translations);
    if (corpus.domains.empty() || corpus.domains.back() != m.domain) corpus.domains.push_back(m.domain);
    corpus.messages.push_back(std::move(m));
  }
  return corpus;
}

Examples GettextCorpusToExamples(const GettextCorpus& corpus, bool include_english) {
  Examples out;
  out.format = "gettext";
  out.task = TaskType::kSentenceClassification;
  out.labels = corpus.domains;
  for (size_t k = 0; k < corpus.messages.size(); ++k) {
    const AlignedMessage& m = corpus.messages[k];
    const auto add = [&](const std::string& language, const std::string& text) {
      Example e;
      e.id = std::to_string(k);
      e.language = language;
      e.text_a = text;
      e.label = m.domain;
      out.examples.push_back(std::move(e));
    };
    if (include_english) add("en", m.msgid);
    for (size_t l = 0; l < corpus.languages.size(); ++l) {
      if (!m.translations[l].empty()) add(corpus.languages[l], m.translations[l]);
    }
  }
  return out;
}

Examples ReadGettext(const std::filesystem::path& locale_dir, const ReadOptions& options) {
  GettextCorpusOptions corpus_options;
  corpus_options.locale_dir = locale_dir;
  corpus_options.languages = options.languages;
  corpus_options.domains = options.domains;
  corpus_options.include_plurals = options.include_plurals;
  return GettextCorpusToExamples(BuildGettextCorpus(corpus_options), options.include_english);
}

}  // namespace xstilts
