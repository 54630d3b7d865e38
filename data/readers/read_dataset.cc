#include "data/readers/read_dataset.h"

#include <algorithm>

#include <fmt/format.h>

#include "base/closest_match.h"
#include "base/input_error.h"
#include "data/readers/conllu_reader.h"
#include "data/readers/gettext_corpus.h"
#include "data/readers/glue_reader.h"
#include "data/readers/json_access.h"
#include "data/readers/multiple_choice_reader.h"
#include "data/readers/retrieval_reader.h"
#include "data/readers/squad_reader.h"
#include "data/readers/tagging_reader.h"
#include "data/readers/text_corpus_reader.h"
#include "data/readers/xnli_pawsx_reader.h"

namespace xstilts {
namespace {

using Path = std::filesystem::path;

const std::vector<DatasetFormat>& Table() {
  static const std::vector<DatasetFormat> kFormats = [] {
    std::vector<DatasetFormat> formats = {
        {"anli", "ANLI R1-R3 {train,dev,test}.jsonl (uid, context, hypothesis, label e/n/c)",
         TaskType::kPairClassification, {"language"}, &ReadAnli},
        {"bucc2018", "BUCC 2018 as XTREME prepares it: <pair>.<split>.{xx,en} id<TAB>sentence files + .gold",
         TaskType::kParallelSentences, {}, &ReadBucc},
        {"ccg", "CCG supertags as jiant reads them: tokens<TAB>supertags, one sentence per line",
         TaskType::kTagging, {"language", "tags_file"}, &ReadCcg},
        {"commonsenseqa", "CommonsenseQA *_rand_split*.jsonl (question.stem, question.choices, answerKey)",
         TaskType::kMultipleChoice, {"language"}, &ReadCommonsenseQa},
        {"conllu", "Universal Dependencies CoNLL-U treebank files (.conllu)",
         TaskType::kTagging, {"language", "tag_column"}, &ReadConllu},
        {"cosmosqa", "Cosmos QA {train,valid}.csv (id,context,question,answer0..3,label)",
         TaskType::kMultipleChoice, {"language"}, &ReadCosmosQa},
        {"gettext", "gettext catalogs <dir>/<lang>/LC_MESSAGES/*.mo aligned on the English msgid, domain as label",
         TaskType::kSentenceClassification, {"languages", "domains", "include_plurals", "include_english"},
         &ReadGettext},
        {"hellaswag", "HellaSwag hellaswag_{train,val,test}.jsonl (ctx_a, ctx_b, endings, label)",
         TaskType::kMultipleChoice, {"language"}, &ReadHellaswag},
        {"mlqa", "MLQA_V1 {dev,test}-context-xx-question-yy.json (SQuAD schema)",
         TaskType::kSpanQa, {"language", "verify_answers"},
         [](const Path& p, const ReadOptions& o) { return ReadSquad(p, o, "mlqa"); }},
        {"mnli", "GLUE MNLI {train,dev_*,test_*}.tsv (header; sentence1, sentence2, gold_label)",
         TaskType::kPairClassification, {"language"}, &ReadMnli},
        {"panx", "PAN-X / WikiANN NER: XTREME token<TAB>tag files or raw lang:token<TAB>tag files",
         TaskType::kTagging, {"language", "lang_prefix"}, &ReadPanx},
        {"pawsx", "PAWS-X as XTREME prepares it: {train,dev,test}-xx.tsv (s1<TAB>s2<TAB>label)",
         TaskType::kPairClassification, {"language", "quoting"}, &ReadPawsx},
        {"pawsx_raw", "raw PAWS-X x-final/xx/{train,dev_2k,test_2k}.tsv (header id, sentence1, sentence2, label)",
         TaskType::kPairClassification, {"language"}, &ReadPawsxRaw},
        {"qqp", "GLUE QQP {train,dev,test}.tsv (header; question1, question2, is_duplicate)",
         TaskType::kPairClassification, {"language"}, &ReadQqp},
        {"squad", "SQuAD v1.1 / v2.0 JSON (is_impossible, plausible_answers)",
         TaskType::kSpanQa, {"language", "verify_answers"},
         [](const Path& p, const ReadOptions& o) { return ReadSquad(p, o, "squad"); }},
        {"sst2", "GLUE SST-2 {train,dev,test}.tsv (header; sentence, label)",
         TaskType::kSentenceClassification, {"language"}, &ReadSst2},
        {"tatoeba", "Tatoeba as LASER publishes it: tatoeba.xxx-eng.{xxx,eng}, aligned lines",
         TaskType::kParallelSentences, {}, &ReadTatoeba},
        {"text", "plain text, one sentence per line in one language (a Wikipedia or CC-100 shard): a masked-LM corpus",
         TaskType::kSentenceClassification, {"language"}, &ReadTextCorpus},
        {"tydiqa", "TyDi QA GoldP JSON, raw or as XTREME prepares it (SQuAD schema)",
         TaskType::kSpanQa, {"language", "verify_answers"},
         [](const Path& p, const ReadOptions& o) { return ReadSquad(p, o, "tydiqa"); }},
        {"udpos", "UD-POS as XTREME prepares it: {train,dev,test}-xx.tsv (token<TAB>UPOS)",
         TaskType::kTagging, {"language"}, &ReadUdposTsv},
        {"xnli", "XNLI as XTREME (or XGLUE) prepares it: {train,dev,test}-xx.tsv (premise<TAB>hypothesis<TAB>label)",
         TaskType::kPairClassification, {"language", "quoting"}, &ReadXnli},
        {"xnli_jsonl", "raw XNLI-1.0 xnli.{dev,test}.jsonl, all languages",
         TaskType::kPairClassification, {"languages"}, &ReadXnliJsonl},
        {"xnli_raw", "raw XNLI-1.0 xnli.{dev,test}.tsv (header, 19 columns), all languages",
         TaskType::kPairClassification, {"languages"}, &ReadXnliRawTsv},
        {"xnli_translate_train",
         "XTREME's MNLI translations en-xx-translated.tsv (English pair, translated pair, label; no header)",
         TaskType::kPairClassification, {"language"}, &ReadXnliTranslateTrain},
        {"xquad", "XQuAD xquad.xx.json (SQuAD v1.1 schema)",
         TaskType::kSpanQa, {"language", "verify_answers"},
         [](const Path& p, const ReadOptions& o) { return ReadSquad(p, o, "xquad"); }},
    };
    std::sort(formats.begin(), formats.end(),
              [](const DatasetFormat& a, const DatasetFormat& b) { return a.name < b.name; });
    return formats;
  }();
  return kFormats;
}

// ` (did you mean 'x'?)` for the closest candidate within 2 edits, else "".
std::string Suggestion(std::string_view name, const std::vector<std::string_view>& candidates) {
  const std::string best = ClosestMatch(name, std::vector<std::string>(candidates.begin(), candidates.end()), 2);
  return best.empty() ? "" : fmt::format(" (did you mean '{}'?)", best);
}

std::string Join(const std::vector<std::string_view>& items) {
  std::string out;
  for (std::string_view item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

const DatasetFormat& RequireFormat(std::string_view name) {
  if (const DatasetFormat* format = FindDatasetFormat(name)) return *format;
  std::vector<std::string_view> names;
  for (const DatasetFormat& f : Table()) names.push_back(f.name);
  throw InputError(fmt::format("unknown dataset format '{}'{}; known formats: {}", name, Suggestion(name, names),
                               Join(names)));
}

}  // namespace

const std::vector<DatasetFormat>& DatasetFormats() { return Table(); }

const DatasetFormat* FindDatasetFormat(std::string_view name) {
  for (const DatasetFormat& f : Table()) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

Examples ReadDataset(std::string_view format, const std::filesystem::path& path, const ReadOptions& options) {
  return RequireFormat(format).read(path, options);
}

namespace {

class OptionParser {
 public:
  explicit OptionParser(std::string_view format) : format_(format) {}

  std::string String(const nlohmann::json& value, std::string_view key) const {
    if (!value.is_string()) Fail(key, "expected a string, got " + DescribeJsonType(value));
    return value.get<std::string>();
  }
  bool Bool(const nlohmann::json& value, std::string_view key) const {
    if (!value.is_boolean()) Fail(key, "expected true or false, got " + DescribeJsonType(value));
    return value.get<bool>();
  }
  std::vector<std::string> Strings(const nlohmann::json& value, std::string_view key) const {
    if (value.is_string()) return {value.get<std::string>()};
    if (!value.is_array()) Fail(key, "expected a list of strings, got " + DescribeJsonType(value));
    std::vector<std::string> out;
    for (const nlohmann::json& item : value) {
      if (!item.is_string()) Fail(key, "expected a list of strings, got a list holding " + DescribeJsonType(item));
      out.push_back(item.get<std::string>());
    }
    return out;
  }
  std::string OneOf(const nlohmann::json& value, std::string_view key, const std::vector<std::string_view>& allowed) const {
    const std::string s = value.is_string() ? value.get<std::string>() : std::string();
    if (!value.is_string() || std::find(allowed.begin(), allowed.end(), s) == allowed.end()) {
      std::string names;
      for (size_t i = 0; i < allowed.size(); ++i) {
        names += (i == 0 ? "\"" : i + 1 == allowed.size() ? " or \"" : ", \"");
        names += std::string(allowed[i]) + "\"";
      }
      Fail(key, fmt::format("expected {}, got {}", names, value.is_string() ? "\"" + s + "\"" : DescribeJsonType(value)));
    }
    return s;
  }
  [[noreturn]] void Fail(std::string_view key, const std::string& message) const {
    throw InputError(fmt::format("format '{}': option '{}': {}", format_, key, message));
  }

 private:
  std::string_view format_;
};

}  // namespace

ReadOptions ParseReadOptions(std::string_view format_name, const nlohmann::json& params) {
  const DatasetFormat& format = RequireFormat(format_name);
  ReadOptions options;
  if (params.is_null()) return options;
  if (!params.is_object()) {
    throw InputError(fmt::format("format '{}': expected an object of options, got {}", format_name,
                                 DescribeJsonType(params)));
  }
  const OptionParser parse(format_name);
  for (const auto& [key, value] : params.items()) {
    if (std::find(format.options.begin(), format.options.end(), key) == format.options.end()) {
      throw InputError(fmt::format("format '{}': unknown option '{}'{}; it takes: {}", format_name, key,
                                   Suggestion(key, format.options),
                                   format.options.empty() ? std::string("no options") : Join(format.options)));
    }
    if (key == "language") options.language = parse.String(value, key);
    else if (key == "languages") options.languages = parse.Strings(value, key);
    else if (key == "quoting") options.quoting = parse.OneOf(value, key, {"csv", "none"}) == "csv" ? Quoting::kCsv : Quoting::kNone;
    else if (key == "tag_column") options.tag_column = parse.OneOf(value, key, {"upos", "xpos"});
    else if (key == "lang_prefix") {
      const std::string v = parse.OneOf(value, key, {"auto", "yes", "no"});
      options.lang_prefix = v == "auto" ? LangPrefix::kAuto : v == "yes" ? LangPrefix::kAlways : LangPrefix::kNever;
    }
    else if (key == "verify_answers") {
      if (value.is_string() && value.get<std::string>() == "drop") {
        options.verify_answers = true;
        options.drop_unverified_answers = true;
      } else if (value.is_boolean()) {
        options.verify_answers = value.get<bool>();
      } else {
        parse.Fail(key, "expected true, false or \"drop\", got " +
                            (value.is_string() ? "\"" + value.get<std::string>() + "\"" : DescribeJsonType(value)));
      }
    }
    else if (key == "tags_file") options.tags_file = parse.String(value, key);
    else if (key == "domains") options.domains = parse.Strings(value, key);
    else if (key == "include_plurals") options.include_plurals = parse.Bool(value, key);
    else if (key == "include_english") options.include_english = parse.Bool(value, key);
  }
  return options;
}

Examples ReadDatasetFromParams(std::string_view format, const std::filesystem::path& path,
                               const nlohmann::json& params) {
  return ReadDataset(format, path, ParseReadOptions(format, params));
}

}  // namespace xstilts
