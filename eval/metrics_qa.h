// Extractive-QA exact match and token F1, as the official scripts XTREME calls compute them:
//   - SQuAD v1.1 (evaluate-v1.1.py; XTREME uses it for XQuAD and TyDiQA-GoldP): lowercase
//     (str.lower()), drop ASCII punctuation (string.punctuation), replace the whole words
//     a|an|the with a space, then collapse whitespace (str.split());
//   - MLQA (mlqa_evaluation_v1.py; XTREME uses it for MLQA): lowercase, drop every character whose
//     Unicode category starts with P plus ASCII punctuation, remove the language's articles
//     (below), then split on whitespace, or for zh split on whitespace and make every CJK
//     character U+4E00..U+9FA5 its own token.
//   MLQA articles: en a|an|the; es un|una|unos|unas|el|la|los|las; de ein|eine|einen|einem|eines|
//   einer|der|die|das|den|dem|des; vi của|là|cái|chiếc|những (whole words); ar every "ال" anywhere
//   (the script's pattern '\sال^|ال' can only match its second branch); hi and zh none.
// EM of a question is the max over its gold answers of normalised string equality; F1 the max of
// bag-of-tokens F1 (0 when no token is shared, so two answers that both normalise to nothing have
// EM 1 and F1 0). A question with no prediction scores 0 on both and still counts in the total.
// Scores are percentages over all gold questions. Pure functions; any thread.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace xstilts {

class AnswerNormalizer {
 public:
  // SQuAD v1.1 normalisation (language independent).
  static AnswerNormalizer Squad();
  // MLQA normalisation for `language` (en, es, de, vi, ar, hi, zh). Throws std::invalid_argument
  // for any other language, as the MLQA script raises "Unknown Language".
  static AnswerNormalizer Mlqa(const std::string& language);
  static bool IsMlqaLanguage(const std::string& language);

  // The normalised answer (UTF-8), e.g. Squad().Normalize("The Beatles!") == "beatles".
  std::string Normalize(std::string_view answer) const;
  // normalize_answer(answer).split(): the tokens F1 counts.
  std::vector<std::string> Tokens(std::string_view answer) const;

  bool ExactMatch(std::string_view prediction, std::string_view gold) const;
  double F1(std::string_view prediction, std::string_view gold) const;  // 0..1

 private:
  AnswerNormalizer(bool mlqa, std::string language) : mlqa_(mlqa), language_(std::move(language)) {}
  std::u32string NormalizeCodePoints(std::string_view answer) const;
  bool mlqa_;
  std::string language_;
};

struct QaQuestion {
  std::string id;
  std::vector<std::string> answers;  // gold answer texts; must not be empty
};

struct QaScore {
  double exact_match = 0;  // percent
  double f1 = 0;           // percent
  std::size_t total = 0;
  std::size_t unanswered = 0;  // gold questions with no prediction (scored 0)
  std::vector<std::string> unanswered_ids;
};

// Scores `predictions` (question id -> answer text) against `gold`; predictions for ids that are
// not in `gold` are ignored. Throws std::invalid_argument when gold is empty or a question has no
// answers (the scripts divide by zero / take max() of nothing).
QaScore ScoreQa(const std::vector<QaQuestion>& gold,
                const std::map<std::string, std::string>& predictions,
                const AnswerNormalizer& normalizer);

}  // namespace xstilts
