#include "data/readers/read_dataset.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "data/readers/language.h"
#include "tests/readers/reader_test_util.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

using testing::InputErrorMessage;
using testing::TempDir;

constexpr const char* kKnownFormats =
    "anli, bucc2018, ccg, commonsenseqa, conllu, cosmosqa, gettext, hellaswag, mlqa, mnli, panx, pawsx, "
    "pawsx_raw, qqp, squad, sst2, tatoeba, text, tydiqa, udpos, xnli, xnli_jsonl, xnli_raw, xnli_translate_train, xquad";

TEST(ReadDataset, FormatsAreSortedAndFindable) {
  std::string names;
  for (const DatasetFormat& f : DatasetFormats()) {
    if (!names.empty()) names += ", ";
    names += f.name;
    EXPECT_EQ(FindDatasetFormat(f.name), &f);
    EXPECT_FALSE(f.description.empty());
  }
  EXPECT_EQ(names, kKnownFormats);
  EXPECT_EQ(FindDatasetFormat("XNLI"), nullptr);
}

TEST(ReadDataset, UnknownFormatListsTheKnownOnes) {
  EXPECT_EQ(InputErrorMessage([] { ReadDataset("xnl", "x.tsv"); }),
            std::string("unknown dataset format 'xnl' (did you mean 'xnli'?); known formats: ") + kKnownFormats);
  EXPECT_EQ(InputErrorMessage([] { ReadDataset("imagenet", "x"); }),
            std::string("unknown dataset format 'imagenet'; known formats: ") + kKnownFormats);
}

// Every format reads a real file through the dispatcher and says what it read.
TEST(ReadDataset, EveryFormatReadsARealFile) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "SOURCES.md");
  const std::filesystem::path data = path.parent_path();
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"anli", "anli/specimen/anli_v0.1/R2/train.jsonl"},
      {"bucc2018", "bucc2018/xtreme/zh-en.dev"},
      {"commonsenseqa", "commonsenseqa/specimen/train_rand_split.jsonl"},
      {"conllu", "udpos/conllu/hi_pud-ud-test.conllu"},
      {"cosmosqa", "cosmosqa/valid.csv"},
      {"hellaswag", "hellaswag/specimen/hellaswag_train.jsonl"},
      {"mlqa", "mlqa/MLQA_V1/dev/dev-context-ar-question-ar.json"},
      {"mnli", "mnli/specimen/MNLI/dev_mismatched.tsv"},
      {"panx", "panx/xtreme/dev-ar.tsv"},
      {"pawsx", "pawsx/xtreme/dev-ko.tsv"},
      {"pawsx_raw", "pawsx/raw/ko/dev_2k.tsv"},
      {"qqp", "qqp/specimen/QQP/train.tsv"},
      {"squad", "squad/dev-v1.1.json"},
      {"sst2", "sst2/SST-2/dev.tsv"},
      {"tatoeba", "tatoeba/v1/tatoeba.tha-eng"},
      {"tydiqa", "tydiqa/xtreme/tydiqa.goldp.en.train.json"},
      {"udpos", "udpos/xtreme/dev-hi.tsv"},
      {"xnli", "xnli/xtreme/dev-th.tsv"},
      {"xnli_jsonl", "xnli/raw_specimen/XNLI-1.0/xnli.test.jsonl"},
      {"xnli_raw", "xnli/raw_specimen/XNLI-1.0/xnli.test.tsv"},
      {"xquad", "xquad/xquad.el.json"},
  };
  for (const auto& [format, relative] : cases) {
    SCOPED_TRACE(format);
    const Examples ex = ReadDataset(format, data / relative);
    EXPECT_EQ(ex.format, format);
    EXPECT_EQ(ex.task, FindDatasetFormat(format)->task);
    if (ex.task == TaskType::kParallelSentences) {
      EXPECT_FALSE(ex.parallel.source_texts.empty());
    } else {
      EXPECT_FALSE(ex.examples.empty());
      EXPECT_GT(ex.CountLabelled(), 0);
    }
  }
}

TEST(ReadDataset, TakesOptionsFromJsonParams) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "pawsx/xtreme/dev-de.tsv");
  const Examples ex = ReadDatasetFromParams("pawsx", path, {{"quoting", "none"}, {"language", "de-AT"}});
  EXPECT_EQ(ex.examples[114].text_a.front(), '"');
  EXPECT_EQ(ex.examples[114].language, "de-AT");
  EXPECT_EQ(ReadDatasetFromParams("pawsx", path, nullptr).examples[114].text_a.front(), 'S');
}

TEST(ReadDataset, RejectsUnknownAndIllTypedOptions) {
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("xnli", {{"langauge", "de"}}); }),
            "format 'xnli': unknown option 'langauge' (did you mean 'language'?); it takes: language, quoting");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("squad", {{"quoting", "csv"}}); }),
            "format 'squad': unknown option 'quoting'; it takes: language, verify_answers");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("tatoeba", {{"language", "de"}}); }),
            "format 'tatoeba': unknown option 'language'; it takes: no options");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("xnli", {{"quoting", "minimal"}}); }),
            "format 'xnli': option 'quoting': expected \"csv\" or \"none\", got \"minimal\"");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("panx", {{"lang_prefix", true}}); }),
            "format 'panx': option 'lang_prefix': expected \"auto\", \"yes\" or \"no\", got a boolean");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("squad", {{"verify_answers", "no"}}); }),
            "format 'squad': option 'verify_answers': expected true, false or \"drop\", got \"no\"");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("squad", {{"verify_answers", 1}}); }),
            "format 'squad': option 'verify_answers': expected true, false or \"drop\", got an integer");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("gettext", {{"languages", {"de", 3}}}); }),
            "format 'gettext': option 'languages': expected a list of strings, got a list holding an integer");
  EXPECT_EQ(InputErrorMessage([] { ParseReadOptions("xnli", nlohmann::json::array()); }),
            "format 'xnli': expected an object of options, got an array");
}

TEST(ReadDataset, ParsesEveryOption) {
  const ReadOptions g = ParseReadOptions(
      "gettext", {{"languages", {"de", "fr"}}, {"domains", "sed"}, {"include_plurals", false}, {"include_english", false}});
  EXPECT_EQ(g.languages, (std::vector<std::string>{"de", "fr"}));
  EXPECT_EQ(g.domains, std::vector<std::string>{"sed"});
  EXPECT_FALSE(g.include_plurals);
  EXPECT_FALSE(g.include_english);
  EXPECT_EQ(ParseReadOptions("conllu", {{"tag_column", "xpos"}}).tag_column, "xpos");
  EXPECT_EQ(ParseReadOptions("panx", {{"lang_prefix", "no"}}).lang_prefix, LangPrefix::kNever);
  EXPECT_EQ(ParseReadOptions("ccg", {{"tags_file", "t.json"}}).tags_file, "t.json");
  EXPECT_FALSE(ParseReadOptions("xquad", {{"verify_answers", false}}).verify_answers);
}

TEST(ReadDataset, GettextFormatReadsALocaleFolder) {
  const std::filesystem::path locale = "/usr/share/locale";
  if (!std::filesystem::exists(locale / "de/LC_MESSAGES/grep.mo")) GTEST_SKIP() << "no German grep catalog here";
  const Examples ex = ReadDatasetFromParams("gettext", locale, {{"languages", {"de"}}, {"domains", {"grep"}}});
  EXPECT_EQ(ex.labels, std::vector<std::string>{"grep"});
  EXPECT_EQ(ex.Languages(), (std::vector<std::string>{"de", "en"}));
  EXPECT_EQ(ex.examples.size() % 2, 0u);  // every message: English + German
}

TEST(Language, InfersFromFileAndFolderNames) {
  EXPECT_EQ(InferLanguage("xnli/dev-de.tsv"), "de");
  EXPECT_EQ(InferLanguage("xquad/xquad.ar.json"), "ar");
  EXPECT_EQ(InferLanguage("mlqa/dev-context-en-question-de.json"), "en");
  EXPECT_EQ(InferLanguage("ud/en_ewt-ud-dev.conllu"), "en");
  EXPECT_EQ(InferLanguage("tydiqa/tydiqa.goldp.en.dev.json"), "en");
  EXPECT_EQ(InferLanguage("data/xglue_de/test.txt"), "de");
  EXPECT_EQ(InferLanguage("pawsx/ko/dev_2k.tsv"), "ko");
  EXPECT_EQ(InferLanguage("squad/dev-v1.1.json"), "");
  // XTREME's translations: the language translated into, named after the English it came from.
  EXPECT_EQ(InferLanguage("XNLI/translate-train/en-hi-translated.tsv"), "hi");
  EXPECT_EQ(InferLanguage("PAWSX/translate-train/en-ko-translated.tsv"), "ko");
  EXPECT_EQ(InferLanguage("SQuAD/translate-train/squad.translate.train.en-zh.json"), "zh");
  EXPECT_EQ(InferLanguage("PAWSX/translate-test/test-ja-en-translated.tsv"), "ja");  // into English: the source
  EXPECT_EQ(InferLanguage("mlqa-translate-train/de_squad-translate-train-train-v1.1.json"), "de");
  EXPECT_EQ(InferLanguage("data/en-de.tsv"), "en");  // no "translat": the first code, as before
  EXPECT_EQ(TatoebaLanguageCode("cmn"), "zh");
  EXPECT_EQ(TatoebaLanguageCode("pes"), "fa");
  EXPECT_EQ(TatoebaLanguageCode("xho"), "xho");
  EXPECT_EQ(TydiLanguageFromId("telugu-123-4"), "te");
  EXPECT_EQ(TydiLanguageFromId("56be4db0acb8001400a502ec"), "");
}

}  // namespace
}  // namespace xstilts
