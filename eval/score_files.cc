#include "eval/score_files.h"

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "base/unicode.h"
#include "eval/text_lines.h"

namespace xstilts {
namespace {

using Json = nlohmann::json;

// Number of whitespace-separated fields (str.split()).
std::size_t FieldCount(const std::string& text) {
  return unicode::Split(unicode::DecodeUtf8Lossy(text)).size();
}

LineValues ReadSingleValueLines(const std::filesystem::path& path, const char* what) {
  LineValues out;
  for (StrippedLine& line : ReadStrippedLines(path)) {
    if (line.text.empty()) {
      throw InputError(path.string(), line.number,
                       std::string("empty line; expected one ") + what + " per line");
    }
    const std::size_t fields = FieldCount(line.text);
    if (fields != 1) {
      throw InputError(path.string(), line.number,
                       std::string("expected one ") + what + " per line, found " +
                           std::to_string(fields) + " fields: '" + line.text + "'");
    }
    out.values.push_back(std::move(line.text));
    out.line_numbers.push_back(line.number);
  }
  return out;
}

std::string JsonTypeName(const Json& value) { return value.type_name(); }

// The path segment for an object key, as `.key` or `["key"]` when it is not an identifier.
std::string KeySegment(const std::string& key) {
  bool identifier = !key.empty() && !(key[0] >= '0' && key[0] <= '9');
  for (char c : key) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_')) {
      identifier = false;
    }
  }
  return identifier ? "." + key : "[" + Json(key).dump() + "]";
}

Json ParseJsonFile(const std::filesystem::path& path) {
  const std::string content = ReadFileBytes(path);
  try {
    return Json::parse(content);
  } catch (const Json::parse_error& e) {
    // Turn the byte offset into a line number; keep nlohmann's description without its prefix.
    long line = 1;
    for (std::size_t i = 0; i < e.byte && i < content.size(); ++i) {
      if (content[i] == '\n') ++line;
    }
    std::string what = e.what();
    const std::size_t close = what.find("] ");
    if (close != std::string::npos) what = what.substr(close + 2);
    throw InputError(path.string(), line, "invalid JSON: " + what);
  } catch (const Json::exception&) {
    // The parser's only other exception: a number too large for a double (1e400).
    throw InputError(path.string(), 0, "invalid JSON: a number too large to represent");
  }
}

[[noreturn]] void JsonError(const std::filesystem::path& path, const std::string& json_path,
                            const std::string& message) {
  throw InputError(path.string(), 0, json_path + ": " + message);
}

const Json& Member(const std::filesystem::path& path, const Json& object,
                   const std::string& object_path, const std::string& key) {
  auto it = object.find(key);
  if (it == object.end()) JsonError(path, object_path, "missing member \"" + key + "\"");
  return *it;
}

const Json& ExpectArray(const std::filesystem::path& path, const Json& value,
                        const std::string& json_path) {
  if (!value.is_array()) {
    JsonError(path, json_path, "expected an array, found " + JsonTypeName(value));
  }
  return value;
}

void ExpectObject(const std::filesystem::path& path, const Json& value,
                  const std::string& json_path) {
  if (!value.is_object()) {
    JsonError(path, json_path, "expected an object, found " + JsonTypeName(value));
  }
}

}  // namespace

LineValues ReadLabelFile(const std::filesystem::path& path) {
  return ReadSingleValueLines(path, "label");
}

LineValues ReadIndexFile(const std::filesystem::path& path) {
  LineValues out = ReadSingleValueLines(path, "index");
  for (std::size_t i = 0; i < out.values.size(); ++i) {
    const std::string& v = out.values[i];
    for (char c : v) {
      if (c < '0' || c > '9') {
        throw InputError(path.string(), out.line_numbers[i],
                         "expected a non-negative integer index, found '" + v + "'");
      }
    }
  }
  return out;
}

TagFile ReadTagFile(const std::filesystem::path& path) {
  TagFile out;
  std::vector<std::string> sentence;
  long first_line = 0;
  for (StrippedLine& line : ReadStrippedLines(path)) {
    if (line.text.empty()) {
      out.sentences.push_back(std::move(sentence));
      out.first_lines.push_back(first_line > 0 ? first_line : line.number);
      sentence.clear();
      first_line = 0;
      continue;
    }
    const std::size_t fields = FieldCount(line.text);
    if (fields != 1) {
      throw InputError(path.string(), line.number,
                       "expected one tag per line, found " + std::to_string(fields) +
                           " fields: '" + line.text + "'");
    }
    if (first_line == 0) first_line = line.number;
    sentence.push_back(std::move(line.text));
  }
  if (!sentence.empty()) {
    out.sentences.push_back(std::move(sentence));
    out.first_lines.push_back(first_line);
  }
  return out;
}

std::vector<BuccPair> ReadPairFile(const std::filesystem::path& path) {
  std::vector<BuccPair> pairs;
  for (const StrippedLine& line : ReadStrippedLines(path)) {
    const std::size_t tab = line.text.find('\t');
    const bool one_tab = tab != std::string::npos && line.text.find('\t', tab + 1) == std::string::npos;
    if (!one_tab || tab == 0 || tab + 1 == line.text.size()) {
      throw InputError(path.string(), line.number,
                       "expected 'source_id<TAB>target_id', found '" + line.text + "'");
    }
    pairs.emplace_back(line.text.substr(0, tab), line.text.substr(tab + 1));
  }
  return pairs;
}

std::vector<QaQuestion> ReadQaGoldFile(const std::filesystem::path& path) {
  const Json root = ParseJsonFile(path);
  std::string articles_path = "$";
  const Json* articles = &root;
  if (root.is_object()) {
    articles = &Member(path, root, "$", "data");
    articles_path = "$.data";
  }
  ExpectArray(path, *articles, articles_path);
  std::vector<QaQuestion> questions;
  for (std::size_t a = 0; a < articles->size(); ++a) {
    const std::string article_path = articles_path + "[" + std::to_string(a) + "]";
    const Json& article = (*articles)[a];
    ExpectObject(path, article, article_path);
    const std::string paragraphs_path = article_path + ".paragraphs";
    const Json& paragraphs = ExpectArray(path, Member(path, article, article_path, "paragraphs"),
                                         paragraphs_path);
    for (std::size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string paragraph_path = paragraphs_path + "[" + std::to_string(p) + "]";
      ExpectObject(path, paragraphs[p], paragraph_path);
      const std::string qas_path = paragraph_path + ".qas";
      const Json& qas = ExpectArray(path, Member(path, paragraphs[p], paragraph_path, "qas"), qas_path);
      for (std::size_t q = 0; q < qas.size(); ++q) {
        const std::string qa_path = qas_path + "[" + std::to_string(q) + "]";
        ExpectObject(path, qas[q], qa_path);
        const Json& id = Member(path, qas[q], qa_path, "id");
        if (!id.is_string()) {
          JsonError(path, qa_path + ".id", "expected a string, found " + JsonTypeName(id));
        }
        const std::string answers_path = qa_path + ".answers";
        const Json& answers = ExpectArray(path, Member(path, qas[q], qa_path, "answers"), answers_path);
        if (answers.empty()) {
          JsonError(path, answers_path, "no gold answers (every question needs at least one)");
        }
        QaQuestion question;
        question.id = id.get<std::string>();
        for (std::size_t k = 0; k < answers.size(); ++k) {
          const std::string answer_path = answers_path + "[" + std::to_string(k) + "]";
          ExpectObject(path, answers[k], answer_path);
          const Json& text = Member(path, answers[k], answer_path, "text");
          if (!text.is_string()) {
            JsonError(path, answer_path + ".text", "expected a string, found " + JsonTypeName(text));
          }
          question.answers.push_back(text.get<std::string>());
        }
        questions.push_back(std::move(question));
      }
    }
  }
  return questions;
}

std::map<std::string, std::string> ReadQaPredictionFile(const std::filesystem::path& path) {
  const Json root = ParseJsonFile(path);
  if (!root.is_object()) {
    JsonError(path, "$", "expected an object {question id: answer}, found " + JsonTypeName(root));
  }
  std::map<std::string, std::string> predictions;
  for (auto it = root.begin(); it != root.end(); ++it) {
    if (!it.value().is_string()) {
      JsonError(path, "$" + KeySegment(it.key()),
                "expected a string answer, found " + JsonTypeName(it.value()));
    }
    predictions[it.key()] = it.value().get<std::string>();
  }
  return predictions;
}

}  // namespace xstilts
