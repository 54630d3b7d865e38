#include "data/readers/conllu_reader.h"

#include <set>

#include <fmt/format.h>

#include "base/input_error.h"
#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::CheckLabel;
using readers_internal::kUposTags;
using readers_internal::NewExamples;

namespace {


bool IsDigits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "1-2" (multiword token) or "8.1" (empty node): both parts must be digits.
bool IsRangeOrDecimal(std::string_view id, char separator) {
  const size_t at = id.find(separator);
  return at != std::string_view::npos && IsDigits(id.substr(0, at)) && IsDigits(id.substr(at + 1));
}

}  // namespace

Examples ReadConllu(const std::filesystem::path& path, const ReadOptions& options) {
  if (options.tag_column != "upos" && options.tag_column != "xpos") {
    throw InputError(fmt::format("option 'tag_column': expected upos or xpos, got \"{}\"", options.tag_column));
  }
  const bool upos = options.tag_column == "upos";
  const int tag_field = upos ? 3 : 4;
  const std::string text = LoadTextFile(path);
  ProblemList problems(path.string());
  const std::string language = ResolveLanguage(options, path);
  Examples out = NewExamples("conllu", TaskType::kTagging, upos ? kUposTags : std::vector<std::string>{});
  std::set<std::string> seen_tags;
  Example sentence;
  std::string sent_id;
  bool sentence_broken = false;
  const auto finish = [&]() {
    if (!sentence.tokens.empty() && !sentence_broken) {
      sentence.id = sent_id.empty() ? std::to_string(out.examples.size()) : sent_id;
      sentence.language = language;
      out.examples.push_back(std::move(sentence));
    }
    sentence = Example();
    sent_id.clear();
    sentence_broken = false;
  };
  for (const TextLine& line : SplitLines(text)) {
    if (line.text.empty()) {
      finish();
      continue;
    }
    if (line.text[0] == '#') {
      constexpr std::string_view kSentId = "# sent_id = ";
      if (line.text.substr(0, kSentId.size()) == kSentId) {
        sent_id = std::string(readers_internal::Trim(line.text.substr(kSentId.size())));
      }
      continue;
    }
    if (sentence_broken) continue;  // one problem per sentence: the rest would only echo it
    const std::vector<std::string_view> fields = SplitFields(line.text, '\t');
    if (fields.size() != 10) {
      problems.Add(line.number, fmt::format("expected 10 fields separated by a tab, got {}", fields.size()));
      sentence_broken = true;
      continue;
    }
    const std::string_view id = fields[0];
    if (IsRangeOrDecimal(id, '-') || IsRangeOrDecimal(id, '.')) continue;
    const size_t expected_id = sentence.tokens.size() + 1;
    if (!IsDigits(id) || id != std::to_string(expected_id)) {
      problems.Add(line.number, fmt::format("expected word ID {}, got \"{}\"", expected_id, id));
      sentence_broken = true;
      continue;
    }
    sentence.tokens.emplace_back(fields[1]);
    sentence.tags.emplace_back(fields[tag_field]);
    if (upos) {
      CheckLabel(problems, line.number, sentence.tags.back(), kUposTags);
    } else {
      seen_tags.insert(sentence.tags.back());
    }
  }
  finish();
  problems.ThrowIfAny();
  if (!upos) out.labels.assign(seen_tags.begin(), seen_tags.end());
  return out;
}

}  // namespace xstilts
