#include "data/readers/gettext_corpus.h"

#include <gtest/gtest.h>

#include "tests/readers/mo_builder.h"
#include "tests/readers/reader_test_util.h"

namespace xstilts {
namespace {

using namespace std::string_literals;
using testing::BuildMo;
using testing::InputErrorMessage;
using testing::MoHeader;
using testing::TempDir;

// A locale folder with two languages and two domains; "beta" exists only in French.
class GettextCorpusTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_.Write("de/LC_MESSAGES/alpha.mo",
               BuildMo({{"", MoHeader()},
                        {"%d file\0%d files"s, "%d Datei\0%d Dateien"s},
                        {"Open", "Öffnen"},
                        {"Quit", ""},
                        {"menu\x04Quit", "Beenden"}}));
    dir_.Write("fr/LC_MESSAGES/alpha.mo",
               BuildMo({{"", MoHeader()}, {"Open", "Ouvrir"}, {"Quit", "Quitter"}}));
    dir_.Write("fr/LC_MESSAGES/beta.mo", BuildMo({{"", MoHeader()}, {"Open", "Ouvrir le fichier"}}));
    dir_.Write("fr/LC_MESSAGES/README", "not a catalog");
  }

  GettextCorpusOptions Options() const {
    GettextCorpusOptions options;
    options.locale_dir = dir_.path();
    options.languages = {"de", "fr"};
    return options;
  }

  TempDir dir_;
};

TEST_F(GettextCorpusTest, AlignsOnDomainContextAndMsgid) {
  const GettextCorpus corpus = BuildGettextCorpus(Options());
  EXPECT_EQ(corpus.domains, (std::vector<std::string>{"alpha", "beta"}));
  EXPECT_EQ(corpus.files_read, (std::vector<std::filesystem::path>{dir_.path() / "de/LC_MESSAGES/alpha.mo",
                                                                   dir_.path() / "fr/LC_MESSAGES/alpha.mo",
                                                                   dir_.path() / "fr/LC_MESSAGES/beta.mo"}));
  ASSERT_EQ(corpus.messages.size(), 5u);
  // Sorted by (domain, context, msgid, msgid_plural).
  EXPECT_EQ(corpus.messages[0].msgid, "%d file");
  EXPECT_EQ(corpus.messages[0].msgid_plural, "%d files");
  EXPECT_EQ(corpus.messages[0].translations, (std::vector<std::string>{"%d Datei", ""}));
  EXPECT_EQ(corpus.messages[1].msgid, "Open");
  EXPECT_EQ(corpus.messages[1].translations, (std::vector<std::string>{"Öffnen", "Ouvrir"}));
  EXPECT_EQ(corpus.messages[2].msgid, "Quit");  // the empty German msgstr is skipped
  EXPECT_EQ(corpus.messages[2].translations, (std::vector<std::string>{"", "Quitter"}));
  EXPECT_EQ(corpus.messages[3].context, "menu");
  EXPECT_EQ(corpus.messages[3].translations, (std::vector<std::string>{"Beenden", ""}));
  EXPECT_EQ(corpus.messages[4].domain, "beta");
  EXPECT_EQ(corpus.messages[4].translations, (std::vector<std::string>{"", "Ouvrir le fichier"}));
}

TEST_F(GettextCorpusTest, FiltersDomainsAndPlurals) {
  GettextCorpusOptions options = Options();
  options.domains = {"alpha"};
  options.include_plurals = false;
  const GettextCorpus corpus = BuildGettextCorpus(options);
  EXPECT_EQ(corpus.domains, std::vector<std::string>{"alpha"});
  EXPECT_EQ(corpus.files_read.size(), 2u);
  ASSERT_EQ(corpus.messages.size(), 3u);
  EXPECT_EQ(corpus.messages[0].msgid, "Open");
}

TEST_F(GettextCorpusTest, BecomesClassificationExamplesWithSharedIds) {
  const GettextCorpus corpus = BuildGettextCorpus(Options());
  const Examples ex = GettextCorpusToExamples(corpus);
  EXPECT_EQ(ex.format, "gettext");
  EXPECT_EQ(ex.task, TaskType::kSentenceClassification);
  EXPECT_EQ(ex.labels, (std::vector<std::string>{"alpha", "beta"}));
  // 5 English + 3 German + 3 French.
  ASSERT_EQ(ex.examples.size(), 11u);
  EXPECT_EQ(ex.examples[2].id, "1");
  EXPECT_EQ(ex.examples[2].language, "en");
  EXPECT_EQ(ex.examples[2].text_a, "Open");
  EXPECT_EQ(ex.examples[3].id, "1");
  EXPECT_EQ(ex.examples[3].language, "de");
  EXPECT_EQ(ex.examples[3].text_a, "Öffnen");
  EXPECT_EQ(ex.examples[4].language, "fr");
  EXPECT_EQ(ex.examples.back().label, "beta");
  EXPECT_EQ(GettextCorpusToExamples(corpus, /*include_english=*/false).examples.size(), 6u);
}

TEST_F(GettextCorpusTest, ReportsMissingLanguageDomainAndCorruptFile) {
  GettextCorpusOptions options = Options();
  options.languages = {"de", "xx"};
  EXPECT_EQ(InputErrorMessage([&] { BuildGettextCorpus(options); }),
            (dir_.path() / "xx/LC_MESSAGES").string() + ": expected a folder of .mo catalogs for language 'xx', got none");
  options = Options();
  options.domains = {"gamma"};
  EXPECT_EQ(InputErrorMessage([&] { BuildGettextCorpus(options); }),
            dir_.path().string() + ": expected gamma.mo in the LC_MESSAGES folder of at least one of the languages, got none");
  options.languages = {};
  EXPECT_EQ(InputErrorMessage([&] { BuildGettextCorpus(options); }),
            "option 'languages': expected at least one locale folder name, like [de, zh_CN], got none");
  const auto corrupt = dir_.Write("fr/LC_MESSAGES/beta.mo", BuildMo({{"", MoHeader()}, {"Open", "Ouvrir"}}).substr(0, 40));
  EXPECT_EQ(InputErrorMessage([&] { BuildGettextCorpus(Options()); }),
            corrupt.string() + ": expected the msgid table (2 entries at offset 28) to end within the file (40 bytes), "
                               "got its end at byte 44");
}

TEST(GettextCorpus, ReadsRealSystemCatalogs) {
  const std::filesystem::path locale = "/usr/share/locale";
  for (const char* needed : {"de/LC_MESSAGES/sed.mo", "fr/LC_MESSAGES/sed.mo"}) {
    if (!std::filesystem::exists(locale / needed)) GTEST_SKIP() << "no " << locale / needed << " on this machine";
  }
  GettextCorpusOptions options;
  options.languages = {"de", "fr"};
  options.domains = {"sed"};
  const GettextCorpus corpus = BuildGettextCorpus(options);
  EXPECT_EQ(corpus.files_read, (std::vector<std::filesystem::path>{locale / "de/LC_MESSAGES/sed.mo",
                                                                   locale / "fr/LC_MESSAGES/sed.mo"}));
  EXPECT_GT(corpus.messages.size(), 50u);
  bool found = false;
  for (const AlignedMessage& m : corpus.messages) {
    EXPECT_EQ(m.domain, "sed");
    if (m.msgid == "\":\" lacks a label") {
      found = true;
      EXPECT_EQ(m.translations[0], "»:« fehlt eine Bezeichnung");
      EXPECT_FALSE(m.translations[1].empty());
    }
  }
  EXPECT_TRUE(found);
  for (size_t i = 1; i < corpus.messages.size(); ++i) {
    EXPECT_LT(corpus.messages[i - 1].msgid, corpus.messages[i].msgid);  // one domain, no contexts in sed
  }
}

}  // namespace
}  // namespace xstilts
