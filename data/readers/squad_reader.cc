#include "data/readers/squad_reader.h"

#include <fmt/format.h>

#include "base/utf8.h"
#include "data/readers/json_access.h"
#include "data/readers/language.h"
#include "data/readers/reader_common.h"
#include "data/readers/text_file.h"

namespace xstilts {
namespace {

struct AnswerReader {
  const JsonAccess& json;
  ProblemList& problems;
  bool verify;
  bool drop;                    // verify, and leave out what fails instead of reporting it
  mutable size_t dropped = 0;   // answers left out

  // Reads answers[] at `where`; appends the non-empty ones to `out`. Returns how many non-empty
  // answers the file lists (dropped ones included).
  size_t Read(const nlohmann::json& list, const std::string& where, const std::string& context,
              int64_t context_code_points, std::vector<Answer>& out) const {
    size_t listed = 0;
    for (size_t i = 0; i < list.size(); ++i) {
      const std::string at = JsonPath(where, i);
      Answer answer;
      answer.text = json.String(list[i], "text", at);
      answer.start = json.Integer(list[i], "answer_start", at);
      if (answer.text.empty()) continue;
      ++listed;
      answer.byte_start = CodePointToByteOffset(context, answer.start);
      if (!verify) {
        out.push_back(std::move(answer));
        continue;
      }
      const int64_t length = CountCodePoints(answer.text);
      if (answer.start < 0 || answer.byte_start < 0 || answer.start + length > context_code_points) {
        if (drop) {
          ++dropped;
          continue;
        }
        problems.AddFormatted(0, json.Format(
            at, fmt::format("expected answer_start from 0 to {} (the context has {} code points, the answer {}), got {}",
                            context_code_points - length, context_code_points, length, answer.start)));
        continue;
      }
      if (context.compare(static_cast<size_t>(answer.byte_start), answer.text.size(), answer.text) != 0) {
        if (drop) {
          ++dropped;
          continue;
        }
        problems.AddFormatted(0, json.Format(
            at, fmt::format("expected the context at code point {} to read {}, got {}", answer.start,
                            Quoted(answer.text), Quoted(SubstrCodePoints(context, answer.start, length)))));
        continue;
      }
      out.push_back(std::move(answer));
    }
    return listed;
  }
};

}  // namespace

Examples ReadSquad(const std::filesystem::path& path, const ReadOptions& options,
                   const std::string& format) {
  const nlohmann::json root = LoadJsonFile(path);
  const JsonAccess json(path.string());
  ProblemList problems(path.string());
  std::string file_language = options.language.empty() ? InferLanguage(path) : options.language;
  Examples out = readers_internal::NewExamples(format, TaskType::kSpanQa);
  const AnswerReader answers{json, problems, options.verify_answers,
                             options.verify_answers && options.drop_unverified_answers};
  size_t questions = 0, questions_dropped = 0;
  const nlohmann::json& data = json.Array(root, "data", "$");
  for (size_t a = 0; a < data.size(); ++a) {
    const std::string article = JsonPath("$.data", a);
    const nlohmann::json& paragraphs = json.Array(data[a], "paragraphs", article);
    for (size_t p = 0; p < paragraphs.size(); ++p) {
      const std::string paragraph = JsonPath(article + ".paragraphs", p);
      const std::string context = json.String(paragraphs[p], "context", paragraph);
      const int64_t context_code_points = CountCodePoints(context);
      const nlohmann::json& qas = json.Array(paragraphs[p], "qas", paragraph);
      for (size_t q = 0; q < qas.size(); ++q) {
        const std::string qa = JsonPath(paragraph + ".qas", q);
        Example e;
        e.id = json.Id(qas[q], "id", qa);
        e.question = json.String(qas[q], "question", qa);
        e.context = context;
        e.language = file_language;
        if (e.language.empty()) e.language = TydiLanguageFromId(e.id);
        if (e.language.empty() && format == "squad") e.language = "en";
        if (e.language.empty()) {
          problems.AddFormatted(0, json.Format(
              JsonPath(qa, "id"),
              fmt::format("cannot tell the language from the file name or the id {}; set the 'language' option",
                          Quoted(e.id))));
          problems.ThrowIfAny();
        }
        ++questions;
        const size_t listed = answers.Read(json.Array(qas[q], "answers", qa), JsonPath(qa, "answers"), context,
                                           context_code_points, e.answers);
        if (json.OptionalMember(qas[q], "is_impossible", qa) != nullptr) {
          e.is_impossible = json.Boolean(qas[q], "is_impossible", qa);
        }
        if (json.OptionalMember(qas[q], "plausible_answers", qa) != nullptr) {
          answers.Read(json.Array(qas[q], "plausible_answers", qa), JsonPath(qa, "plausible_answers"), context,
                       context_code_points, e.plausible_answers);
        }
        if (e.is_impossible && !e.answers.empty()) {
          problems.AddFormatted(0, json.Format(JsonPath(qa, "answers"),
                                            "expected no answers for a question with is_impossible true, got some"));
        }
        // Every answer failed the check: kept, the question would read as unlabelled (or, in
        // training, as having no answer in the context).
        if (listed > 0 && e.answers.empty()) {
          ++questions_dropped;
          continue;
        }
        out.examples.push_back(std::move(e));
      }
    }
  }
  problems.ThrowIfAny();
  if (answers.dropped > 0) {
    out.notes.push_back(fmt::format(
        "verify_answers: drop: {} answers left out (the context does not read their text at their answer_start), "
        "and with them {} of {} questions, which had no other answer",
        answers.dropped, questions_dropped, questions));
  }
  return out;
}

}  // namespace xstilts
