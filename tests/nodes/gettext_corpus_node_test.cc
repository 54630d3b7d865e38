// The `gettext_corpus` node: built .mo catalogs for exact checks and cache keys, and the machine's
// own /usr/share/locale through the CLI for determinism and min_languages.
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "data/examples_artifact.h"
#include "data/readers/gettext_corpus.h"
#include "graph/registry.h"
#include "tests/integration/cli_harness.h"
#include "tests/readers/mo_builder.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using namespace std::string_literals;
using testing::BuildMo;
using testing::CliHarness;
using testing::CliResult;
using testing::MoHeader;

fs::path CorpusOf(const CliHarness& h, const CliResult& r, const std::string& node) {
  const nlohmann::json json = r.Json();
  for (const auto& n : json["nodes"]) {
    if (n["name"] == node) {
      const std::string key = n["key"];
      return h.cache() / "entries" / key.substr(0, 2) / key / "corpus.h5";
    }
  }
  ADD_FAILURE() << "no node " << node << " in " << r.out;
  return {};
}

// Two languages, two domains; "beta" exists only in French, "Quit" is untranslated in German.
void WriteCatalogs(const CliHarness& h) {
  h.Write("locale/de/LC_MESSAGES/alpha.mo",
          BuildMo({{"", MoHeader()}, {"Open", "Öffnen"}, {"Quit", ""}, {"Save", "Speichern"}}));
  h.Write("locale/fr/LC_MESSAGES/alpha.mo",
          BuildMo({{"", MoHeader()}, {"Open", "Ouvrir"}, {"Quit", "Quitter"}, {"Save", "Enregistrer"}}));
  h.Write("locale/fr/LC_MESSAGES/beta.mo", BuildMo({{"", MoHeader()}, {"Open", "Ouvrir le fichier"}}));
}

std::string Describe(const Examples& x) {
  std::string out;
  for (const Example& e : x.examples) out += e.id + " " + e.language + " " + e.label + " " + e.text_a + "\n";
  return out;
}

TEST(GettextCorpusNode, WritesOneExamplePerMessageAndLanguage) {
  CliHarness h("gettext_shape");
  WriteCatalogs(h);
  h.Write("p.yaml", "nodes:\n"
                    "  all:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, fr], root: locale}\n"
                    "  both:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, fr], root: locale, min_languages: 2, include_english: false}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const Examples all = ReadExamples(CorpusOf(h, r, "all"));
  EXPECT_EQ(all.format, "gettext");
  EXPECT_EQ(all.task, TaskType::kSentenceClassification);
  EXPECT_EQ(all.labels, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(Describe(all),
            "0 en alpha Open\n0 de alpha Öffnen\n0 fr alpha Ouvrir\n"
            "1 en alpha Quit\n1 fr alpha Quitter\n"
            "2 en alpha Save\n2 de alpha Speichern\n2 fr alpha Enregistrer\n"
            "3 en beta Open\n3 fr beta Ouvrir le fichier\n");
  const Examples both = ReadExamples(CorpusOf(h, r, "both"));
  EXPECT_EQ(both.labels, (std::vector<std::string>{"alpha"}));  // beta has no message in both languages
  EXPECT_EQ(Describe(both), "0 de alpha Öffnen\n0 fr alpha Ouvrir\n1 de alpha Speichern\n1 fr alpha Enregistrer\n");
}

TEST(GettextCorpusNode, ChangedCatalogMakesTheNodeStale) {
  CliHarness h("gettext_key");
  WriteCatalogs(h);
  h.Write("p.yaml", "nodes:\n"
                    "  c:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, fr], root: locale}\n");
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  EXPECT_EQ(h.Run({"run", "p.yaml", "--json"}).Statuses()["c"], "cached");
  // A package upgrade brings a new translation.
  h.Write("locale/de/LC_MESSAGES/alpha.mo",
          BuildMo({{"", MoHeader()}, {"Open", "Öffnen"}, {"Quit", "Beenden"}, {"Save", "Speichern"}}));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses()["c"], "ran");
  EXPECT_NE(r.err.find("c: file " + (h.dir() / "locale/de/LC_MESSAGES/alpha.mo").string() + " changed"),
            std::string::npos)
      << r.err;
  // A catalog for another domain of a listed language is a change too.
  h.Write("locale/de/LC_MESSAGES/beta.mo", BuildMo({{"", MoHeader()}, {"Open", "Datei öffnen"}}));
  r = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(r.Statuses()["c"], "ran");
  EXPECT_NE(r.err.find("c: file " + (h.dir() / "locale/de/LC_MESSAGES/beta.mo").string() + " added"),
            std::string::npos)
      << r.err;
}

TEST(GettextCorpusNode, KeyHashesExactlyTheCatalogsTheCorpusReads) {
  CliHarness h("gettext_files");
  WriteCatalogs(h);
  h.Write("locale/fr/LC_MESSAGES/notes.txt", "not a catalog");
  const NodeType* type = NodeRegistry::Global().Find("gettext_corpus");
  ASSERT_NE(type, nullptr);
  class RecordingHasher : public FileHasher {
   public:
    std::string Hash(const fs::path& path) override {
      hashed.push_back(path);
      return "h";
    }
    std::vector<fs::path> hashed;
  };
  for (const std::vector<std::string>& domains : {std::vector<std::string>{}, std::vector<std::string>{"beta"}}) {
    nlohmann::json params = {{"languages", {"de", "fr"}}, {"domains", domains},  {"root", "locale"},
                             {"min_languages", 1},        {"max_messages", 0},   {"seed", 0},
                             {"include_english", true},   {"include_plurals", true}};
    RecordingHasher hasher;
    type->extra_key(params, h.dir(), hasher);
    GettextCorpusOptions options;
    options.locale_dir = h.dir() / "locale";
    options.languages = {"de", "fr"};
    options.domains = domains;
    EXPECT_EQ(hasher.hashed, BuildGettextCorpus(options).files_read);
  }
}

TEST(GettextCorpusNode, ParamMistakesAreReportedBeforeAnythingRuns) {
  CliHarness h("gettext_params");
  WriteCatalogs(h);
  h.Write("p.yaml", "nodes:\n"
                    "  c:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, fr], root: locale, min_languages: 3}\n");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "error: node 'c' (p.yaml:2:3): param 'min_languages': expected 1 to 2 (the number of languages), got 3\n");
  h.Write("p.yaml", "nodes:\n"
                    "  c:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, xx], root: locale}\n");
  r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "error: node 'c' (p.yaml:2:3): " + (h.dir() / "locale/xx/LC_MESSAGES").string() +
                       ": expected a folder of .mo catalogs for language 'xx', got none\n");
}

// The machine's own catalogs: the first three of these languages that it has.
std::vector<std::string> SystemLanguages() {
  std::vector<std::string> found;
  for (const char* lang : {"de", "fr", "es", "ru", "zh_CN", "ja", "tr", "vi", "pt_BR"}) {
    if (found.size() < 3 && fs::is_directory(fs::path("/usr/share/locale") / lang / "LC_MESSAGES")) found.push_back(lang);
  }
  return found;
}

TEST(GettextCorpusNode, SystemCatalogsAreDeterministicAndHonourMinLanguages) {
  const std::vector<std::string> languages = SystemLanguages();
  if (languages.size() < 3) GTEST_SKIP() << "fewer than 3 translated languages in /usr/share/locale";
  const std::string list = "[" + languages[0] + ", " + languages[1] + ", " + languages[2] + "]";
  CliHarness h("gettext_system");
  h.Write("p.yaml", "nodes:\n"
                    "  any:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: " + list + ", max_messages: 300, seed: 7}\n"
                    "  every:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: " + list + ", min_languages: 3, max_messages: 300, seed: 7}\n");
  CliResult first = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const Examples any = ReadExamples(CorpusOf(h, first, "any"));
  const Examples every = ReadExamples(CorpusOf(h, first, "every"));

  CliResult second = h.Run({"run", "p.yaml", "--json", "--force", "any", "--force", "every"});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.Statuses(), (std::map<std::string, std::string>{{"any", "ran"}, {"every", "ran"}}));
  EXPECT_EQ(ExamplesDifference(any, ReadExamples(CorpusOf(h, second, "any"))), "");
  EXPECT_EQ(ExamplesDifference(every, ReadExamples(CorpusOf(h, second, "every"))), "");

  // Per message id: how many examples (English + its translations).
  const auto per_message = [](const Examples& x) {
    std::map<std::string, int> n;
    for (const Example& e : x.examples) ++n[e.id];
    return n;
  };
  const std::map<std::string, int> every_counts = per_message(every);
  EXPECT_EQ(every_counts.size(), 300u);
  for (const auto& [id, n] : every_counts) EXPECT_EQ(n, 4) << "message " << id;
  const std::map<std::string, int> any_counts = per_message(any);
  EXPECT_EQ(any_counts.size(), 300u);
  int partial = 0;
  for (const auto& [id, n] : any_counts) partial += n < 4;
  EXPECT_GT(partial, 0) << "a uniform sample of all messages should hold some not translated into every language";
  for (const Example& e : any.examples) {
    EXPECT_FALSE(e.text_a.empty());
    EXPECT_NE(std::find(any.labels.begin(), any.labels.end(), e.label), any.labels.end());
  }
}


// select_examples `every`: every n-th example of the language selection, across the domains.
TEST(GettextCorpusNode, SelectExamplesKeepsEveryNthOfALanguage) {
  CliHarness h("gettext_every");
  WriteCatalogs(h);
  h.Write("p.yaml", "nodes:\n"
                    "  all:\n"
                    "    type: gettext_corpus\n"
                    "    params: {languages: [de, fr], root: locale}\n"
                    "  french:\n"
                    "    type: select_examples\n"
                    "    inputs: {examples: all}\n"
                    "    params: {languages: [fr], every: 2}\n"
                    "  french_all:\n"
                    "    type: select_examples\n"
                    "    inputs: {examples: all}\n"
                    "    params: {languages: [fr], every: 1}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  auto output = [&](const std::string& node) { return h.ArtifactOf(r, node, "examples"); };
  // French: Ouvrir, Quitter, Enregistrer (alpha), Ouvrir le fichier (beta): the 1st and 3rd.
  EXPECT_EQ(Describe(ReadExamples(output("french"))), "0 fr alpha Ouvrir\n2 fr alpha Enregistrer\n");
  EXPECT_EQ(ReadExamples(output("french_all")).examples.size(), 4u);
  h.Write("q.yaml", "nodes:\n  all:\n    type: gettext_corpus\n    params: {languages: [de], root: locale}\n"
                    "  none:\n    type: select_examples\n    inputs: {examples: all}\n    params: {every: 0}\n");
  CliResult refused = h.Run({"run", "q.yaml"});
  EXPECT_EQ(refused.exit_code, 2);
  EXPECT_NE(refused.err.find("every"), std::string::npos) << refused.err;
}

}  // namespace
}  // namespace xstilts
