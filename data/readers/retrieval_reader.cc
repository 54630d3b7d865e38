#include "data/readers/retrieval_reader.h"

#include <regex>
#include <unordered_map>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {
namespace {

// The file set a path names: the path itself, or for one of the set's files, the path without
// its last extension.
std::filesystem::path FileSetPrefix(const std::filesystem::path& path) {
  return std::filesystem::is_regular_file(path) ? path.parent_path() / path.stem() : path;
}

std::filesystem::path WithExtension(const std::filesystem::path& prefix, const std::string& ext) {
  return prefix.string() + "." + ext;
}

struct IdSentences {
  std::vector<std::string> ids;
  std::vector<std::string> texts;
  std::unordered_map<std::string, int64_t> index;  // id -> position in ids
  std::vector<long> lines;                          // position -> line number
};

IdSentences ReadIdSentences(const std::filesystem::path& path) {
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  IdSentences out;
  for (const TextLine& line : SplitLines(text)) {
    const std::vector<std::string_view> fields = SplitFields(line.text, '\t');
    if (fields.size() != 2) {
      problems.Add(line.number, line.text.empty() ? std::string("expected id<TAB>sentence, got an empty line")
                                                  : fmt::format("expected id<TAB>sentence, got {} fields separated by a tab", fields.size()));
      continue;
    }
    const auto [it, inserted] = out.index.emplace(std::string(fields[0]), static_cast<int64_t>(out.ids.size()));
    if (!inserted) {
      problems.Add(line.number, fmt::format("expected a new id, got \"{}\" again (first on line {})", fields[0],
                                            out.lines[it->second]));
      continue;
    }
    out.ids.emplace_back(fields[0]);
    out.texts.emplace_back(fields[1]);
    out.lines.push_back(line.number);
  }
  problems.ThrowIfAny();
  return out;
}

}  // namespace

Examples ReadBucc(const std::filesystem::path& given, const ReadOptions&) {
  static const std::regex kName(R"(^([a-z]+)-([a-z]+)\.[A-Za-z0-9_]+$)");
  const std::filesystem::path prefix = FileSetPrefix(given);
  const std::string name = prefix.filename().string();
  std::smatch m;
  if (!std::regex_match(name, m, kName)) {
    throw InputError(given.string(), 0, "expected a BUCC file set name like zh-en.dev, got \"" + name + "\"");
  }
  const std::string source = m[1], target = m[2];
  Examples out = readers_internal::NewExamples("bucc2018", TaskType::kParallelSentences);
  ParallelSentences& p = out.parallel;
  p.source_language = source;
  p.target_language = target;
  IdSentences src = ReadIdSentences(WithExtension(prefix, source));
  IdSentences tgt = ReadIdSentences(WithExtension(prefix, target));
  const std::filesystem::path gold_path = WithExtension(prefix, "gold");
  if (std::filesystem::exists(gold_path)) {
    const std::string text = LoadTextFile(gold_path);
    ProblemList problems(gold_path.string());
    for (const TextLine& line : SplitLines(text)) {
      const std::vector<std::string_view> fields = SplitFields(line.text, '\t');
      if (fields.size() != 2) {
        problems.Add(line.number, fmt::format("expected {}_id<TAB>{}_id, got {}", source, target,
                                              line.text.empty() ? std::string("an empty line") : Quoted(line.text)));
        continue;
      }
      auto s = src.index.find(std::string(fields[0]));
      auto t = tgt.index.find(std::string(fields[1]));
      if (s == src.index.end()) {
        problems.Add(line.number, fmt::format("expected an id of {}, got \"{}\"", WithExtension(prefix, source).filename().string(), fields[0]));
        continue;
      }
      if (t == tgt.index.end()) {
        problems.Add(line.number, fmt::format("expected an id of {}, got \"{}\"", WithExtension(prefix, target).filename().string(), fields[1]));
        continue;
      }
      p.gold.emplace_back(s->second, t->second);
    }
    problems.ThrowIfAny();
  }
  p.source_ids = std::move(src.ids);
  p.source_texts = std::move(src.texts);
  p.target_ids = std::move(tgt.ids);
  p.target_texts = std::move(tgt.texts);
  return out;
}

Examples ReadTatoeba(const std::filesystem::path& given, const ReadOptions&) {
  static const std::regex kPair(R"(([a-z]{3})-([a-z]{3})$)");
  const std::filesystem::path prefix = FileSetPrefix(given);
  const std::string name = prefix.filename().string();
  std::smatch m;
  if (!std::regex_search(name, m, kPair)) {
    throw InputError(given.string(), 0,
                     "expected a Tatoeba pair name ending in xxx-eng, like tatoeba.ara-eng, got \"" + name + "\"");
  }
  const std::string source3 = m[1], target3 = m[2];
  const std::filesystem::path source_path = WithExtension(prefix, source3);
  const std::filesystem::path target_path = WithExtension(prefix, target3);
  const std::string source_text = LoadTextFile(source_path);
  const std::string target_text = LoadTextFile(target_path);
  const std::vector<TextLine> source_lines = SplitLines(source_text);
  const std::vector<TextLine> target_lines = SplitLines(target_text);
  if (source_lines.size() != target_lines.size()) {
    throw InputError(target_path.string(), 0,
                     fmt::format("expected {} lines, one per line of {}, got {}", source_lines.size(),
                                 source_path.filename().string(), target_lines.size()));
  }
  Examples out = readers_internal::NewExamples("tatoeba", TaskType::kParallelSentences);
  ParallelSentences& p = out.parallel;
  p.source_language = TatoebaLanguageCode(source3);
  p.target_language = TatoebaLanguageCode(target3);
  for (size_t i = 0; i < source_lines.size(); ++i) {
    p.source_ids.push_back(std::to_string(i));
    p.target_ids.push_back(std::to_string(i));
    p.source_texts.emplace_back(source_lines[i].text);
    p.target_texts.emplace_back(target_lines[i].text);
    p.gold.emplace_back(static_cast<int64_t>(i), static_cast<int64_t>(i));
  }
  return out;
}

}  // namespace xstilts
