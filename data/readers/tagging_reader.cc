#include "data/readers/tagging_reader.h"

#include <algorithm>
#include <set>

#include <fmt/format.h>

#include "data/readers/json_access.h"
#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::CheckLabel;
using readers_internal::kUposTags;
using readers_internal::NewExamples;

namespace {

const std::vector<std::string> kPanxTags = {"B-LOC", "B-ORG", "B-PER", "I-LOC", "I-ORG", "I-PER", "O"};

bool IsPrefixName(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || c == '-' || c == '_';
  });
}

// The `xx` of `xx:token` on the first token line, or "".
std::string FirstPrefix(const std::vector<TextLine>& lines) {
  for (const TextLine& line : lines) {
    if (line.text.empty()) continue;
    const size_t colon = line.text.find(':');
    if (colon == std::string_view::npos) return "";
    const std::string_view name = line.text.substr(0, colon);
    return IsPrefixName(name) ? std::string(name) : "";
  }
  return "";
}

bool EveryLineHasPrefix(const std::vector<TextLine>& lines, const std::string& prefix) {
  for (const TextLine& line : lines) {
    if (line.text.empty()) continue;
    if (line.text.size() <= prefix.size() || line.text.compare(0, prefix.size(), prefix) != 0 ||
        line.text[prefix.size()] != ':') {
      return false;
    }
  }
  return true;
}

// Reads `token<TAB>tag` sentences. `prefix` ("" for none) is stripped from every token line as
// `prefix:`; a line without it is a problem.
Examples ReadTokenTagLines(const std::string& text,
                           const char* format, const std::string& language,
                           const std::string& prefix, const std::vector<std::string>& labels,
                           ProblemList& problems) {
  Examples out = NewExamples(format, TaskType::kTagging, labels);
  const std::vector<TextLine> lines = SplitLines(text);
  int tagged = -1;  // unknown until the first token line
  long first_line = 0;
  Example sentence;
  const auto finish = [&]() {
    if (sentence.tokens.empty()) return;
    sentence.id = std::to_string(out.examples.size());
    sentence.language = language;
    out.examples.push_back(std::move(sentence));
    sentence = Example();
  };
  for (const TextLine& line : lines) {
    if (line.text.empty()) {
      finish();
      continue;
    }
    std::string_view body = line.text;
    if (!prefix.empty()) {
      if (body.size() <= prefix.size() || body.compare(0, prefix.size(), prefix) != 0 ||
          body[prefix.size()] != ':') {
        problems.Add(line.number, fmt::format("expected the prefix \"{}:\", got {}", prefix, Quoted(body)));
        continue;
      }
      body.remove_prefix(prefix.size() + 1);
    }
    const std::vector<std::string_view> fields = SplitFields(body, '\t');
    if (fields.size() > 2) {
      problems.Add(line.number, fmt::format("expected token<TAB>tag, got {} fields separated by a tab", fields.size()));
      continue;
    }
    const bool has_tag = fields.size() == 2;
    if (tagged < 0) {
      tagged = has_tag;
      first_line = line.number;
    } else if (has_tag != static_cast<bool>(tagged)) {
      problems.Add(line.number, has_tag ? fmt::format("expected a token without a tag as on line {}, got token<TAB>tag", first_line)
                                        : fmt::format("expected token<TAB>tag as on line {}, got a line without a tab", first_line));
      continue;
    }
    if (fields[0].empty()) {
      problems.Add(line.number, "expected a token, got an empty one");
      continue;
    }
    sentence.tokens.emplace_back(fields[0]);
    if (has_tag) {
      sentence.tags.emplace_back(fields[1]);
      CheckLabel(problems, line.number, sentence.tags.back(), labels);
    }
  }
  finish();
  return out;
}

}  // namespace

Examples ReadUdposTsv(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const std::string language = ResolveLanguage(options, path);
  Examples out = ReadTokenTagLines(text, "udpos", language, "", kUposTags, problems);
  problems.ThrowIfAny();
  return out;
}

Examples ReadPanx(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  std::string prefix;
  if (options.lang_prefix != LangPrefix::kNever) {
    const std::vector<TextLine> lines = SplitLines(text);
    prefix = FirstPrefix(lines);
    if (options.lang_prefix == LangPrefix::kAuto && !prefix.empty() && !EveryLineHasPrefix(lines, prefix)) {
      prefix.clear();
    }
    if (options.lang_prefix == LangPrefix::kAlways && prefix.empty()) {
      for (const TextLine& line : lines) {
        if (line.text.empty()) continue;
        problems.Add(line.number, fmt::format("expected a token with a language prefix like \"en:\", got {}", Quoted(line.text)));
        break;
      }
      problems.ThrowIfAny();
    }
  }
  const std::string language = !options.language.empty() ? options.language
                               : !prefix.empty()          ? prefix
                                                          : ResolveLanguage(options, path);
  Examples out = ReadTokenTagLines(text, "panx", language, prefix, kPanxTags, problems);
  problems.ThrowIfAny();
  return out;
}

namespace {

// jiant's tags_to_id.json: {"tag": id, ...} with ids 0..n-1. Returns the tags ordered by id.
std::vector<std::string> LoadTagsFile(const std::filesystem::path& path) {
  const nlohmann::json root = LoadJsonFile(path);
  const JsonAccess json(path.string());
  if (!root.is_object()) json.Fail("$", "expected an object of tag: id, got " + DescribeJsonType(root));
  std::vector<std::string> tags(root.size());
  for (const auto& [tag, id] : root.items()) {
    const std::string where = JsonPath("$", tag);
    if (!id.is_number_integer()) json.Fail(where, "expected an integer id, got " + DescribeJsonType(id));
    const int64_t index = id.get<int64_t>();
    if (index < 0 || index >= static_cast<int64_t>(tags.size()) || !tags[index].empty()) {
      json.Fail(where, fmt::format("expected a distinct id from 0 to {}, got {}", tags.size() - 1, index));
    }
    tags[index] = tag;
  }
  return tags;
}

std::vector<std::string> SplitOnWhitespace(std::string_view text) {
  std::vector<std::string> pieces;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\t')) ++i;
    const size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\t') ++i;
    if (i > start) pieces.emplace_back(text.substr(start, i - start));
  }
  return pieces;
}

}  // namespace

Examples ReadCcg(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const bool fixed_tags = !options.tags_file.empty();
  std::vector<std::string> labels = fixed_tags ? LoadTagsFile(options.tags_file) : std::vector<std::string>{};
  Examples out = NewExamples("ccg", TaskType::kTagging);
  const std::string language = options.language.empty() ? "en" : options.language;
  const readers_internal::LabelSet label_set(labels);
  std::set<std::string> seen;
  for (const TextLine& line : SplitLines(text)) {
    if (line.text.empty()) continue;
    const std::vector<std::string_view> fields = SplitFields(line.text, '\t');
    if (fields.size() != 2) {
      problems.Add(line.number, fmt::format("expected tokens<TAB>supertags, got {} fields separated by a tab", fields.size()));
      continue;
    }
    Example e;
    e.id = std::to_string(out.examples.size());
    e.language = language;
    for (std::string_view token : SplitFields(fields[0], ' ')) e.tokens.emplace_back(token);
    e.tags = SplitOnWhitespace(fields[1]);
    if (e.tags.size() != e.tokens.size()) {
      problems.Add(line.number, fmt::format("expected one supertag per token ({}), got {}", e.tokens.size(), e.tags.size()));
      continue;
    }
    for (const std::string& tag : e.tags) {
      if (fixed_tags) {
        if (!label_set.Check(problems, line.number, tag)) break;
      } else {
        seen.insert(tag);
      }
    }
    out.examples.push_back(std::move(e));
  }
  problems.ThrowIfAny();
  out.labels = fixed_tags ? std::move(labels) : std::vector<std::string>(seen.begin(), seen.end());
  return out;
}

}  // namespace xstilts
