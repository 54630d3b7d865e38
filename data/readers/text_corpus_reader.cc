#include "data/readers/text_corpus_reader.h"

#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {

using readers_internal::NewExamples;
using readers_internal::Trim;

Examples ReadTextCorpus(const std::filesystem::path& path, const ReadOptions& options) {
  const std::string text = LoadTextFile(path);
  const std::string language = ResolveLanguage(options, path);
  Examples out = NewExamples("text", TaskType::kSentenceClassification);
  for (const TextLine& line : SplitLines(text)) {
    const std::string_view sentence = Trim(line.text);
    if (sentence.empty()) continue;
    Example e;
    e.id = std::to_string(line.number);
    e.language = language;
    e.text_a = std::string(sentence);
    out.examples.push_back(std::move(e));
  }
  return out;
}

}  // namespace xstilts
