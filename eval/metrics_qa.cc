#include "eval/metrics_qa.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "base/unicode.h"

namespace xstilts {
namespace {

using unicode::DecodeUtf8Lossy;

std::vector<std::u32string> Words(std::initializer_list<const char*> utf8) {
  std::vector<std::u32string> out;
  for (const char* w : utf8) out.push_back(DecodeUtf8Lossy(w));
  return out;
}

const std::vector<std::u32string>& ArticlesFor(const std::string& language) {
  static const std::vector<std::u32string> kNone;
  static const std::vector<std::u32string> kEn = Words({"a", "an", "the"});
  static const std::vector<std::u32string> kEs =
      Words({"un", "una", "unos", "unas", "el", "la", "los", "las"});
  static const std::vector<std::u32string> kDe = Words(
      {"ein", "eine", "einen", "einem", "eines", "einer", "der", "die", "das", "den", "dem", "des"});
  // NFC, as in mlqa_evaluation_v1.py.
  static const std::vector<std::u32string> kVi =
      Words({"c\u1ee7a", "l\u00e0", "c\u00e1i", "chi\u1ebfc", "nh\u1eefng"});
  if (language == "en") return kEn;
  if (language == "es") return kEs;
  if (language == "de") return kDe;
  if (language == "vi") return kVi;
  return kNone;
}

bool IsMlqaPunctuation(char32_t c) {
  return unicode::IsPunctuation(c) || unicode::IsAsciiPunctuation(c);
}

// Arabic: re.sub('\sال^|ال', ' ', text). The first branch needs '^' after consumed characters and
// never matches, so every "ال" becomes a space.
std::u32string RemoveArabicArticle(const std::u32string& text) {
  std::u32string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == U'\u0627' && i + 1 < text.size() && text[i + 1] == U'\u0644') {
      out.push_back(U' ');
      ++i;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// mixed_segmentation: CJK ideographs U+4E00..U+9FA5 and punctuation become single tokens,
// everything between them is split on whitespace.
std::vector<std::u32string> MixedSegmentation(const std::u32string& text) {
  std::vector<std::u32string> tokens;
  std::u32string pending;
  const auto flush = [&]() {
    if (pending.empty()) return;
    for (auto& t : unicode::Split(pending)) tokens.push_back(std::move(t));
    pending.clear();
  };
  for (char32_t c : text) {
    if ((c >= 0x4E00 && c <= 0x9FA5) || IsMlqaPunctuation(c)) {
      flush();
      tokens.emplace_back(1, c);
    } else {
      pending.push_back(c);
    }
  }
  flush();
  return tokens;
}

std::u32string JoinWithSpaces(const std::vector<std::u32string>& tokens) {
  std::u32string out;
  for (const auto& t : tokens) {
    // ' '.join(t for t in tokens if t.strip() != '')
    if (unicode::Strip(t).empty()) continue;
    if (!out.empty()) out.push_back(U' ');
    out += t;
  }
  return out;
}

}  // namespace

AnswerNormalizer AnswerNormalizer::Squad() { return AnswerNormalizer(false, ""); }

bool AnswerNormalizer::IsMlqaLanguage(const std::string& language) {
  static const char* const kLanguages[] = {"en", "es", "hi", "vi", "de", "ar", "zh"};
  return std::find(std::begin(kLanguages), std::end(kLanguages), language) != std::end(kLanguages);
}

AnswerNormalizer AnswerNormalizer::Mlqa(const std::string& language) {
  if (!IsMlqaLanguage(language)) {
    throw std::invalid_argument("MLQA normalisation: unknown language '" + language +
                                "' (expected en, es, de, vi, ar, hi or zh)");
  }
  return AnswerNormalizer(true, language);
}

std::u32string AnswerNormalizer::NormalizeCodePoints(std::string_view answer) const {
  const std::u32string lowered = unicode::Lower(DecodeUtf8Lossy(answer));
  std::u32string no_punct;
  no_punct.reserve(lowered.size());
  for (char32_t c : lowered) {
    const bool punct = mlqa_ ? IsMlqaPunctuation(c) : unicode::IsAsciiPunctuation(c);
    if (!punct) no_punct.push_back(c);
  }
  if (!mlqa_) {
    static const std::vector<std::u32string> kSquadArticles = Words({"a", "an", "the"});
    const std::u32string no_articles = unicode::ReplaceWholeWords(no_punct, kSquadArticles);
    // " ".join(text.split())
    return JoinWithSpaces(unicode::Split(no_articles));
  }
  std::u32string no_articles;
  if (language_ == "ar") {
    no_articles = RemoveArabicArticle(no_punct);
  } else {
    no_articles = unicode::ReplaceWholeWords(no_punct, ArticlesFor(language_));
  }
  if (language_ == "zh") return JoinWithSpaces(MixedSegmentation(no_articles));
  return JoinWithSpaces(unicode::Split(no_articles));
}

std::string AnswerNormalizer::Normalize(std::string_view answer) const {
  return unicode::EncodeUtf8(NormalizeCodePoints(answer));
}

std::vector<std::string> AnswerNormalizer::Tokens(std::string_view answer) const {
  std::vector<std::string> tokens;
  for (const auto& t : unicode::Split(NormalizeCodePoints(answer))) {
    tokens.push_back(unicode::EncodeUtf8(t));
  }
  return tokens;
}

bool AnswerNormalizer::ExactMatch(std::string_view prediction, std::string_view gold) const {
  return NormalizeCodePoints(prediction) == NormalizeCodePoints(gold);
}

double AnswerNormalizer::F1(std::string_view prediction, std::string_view gold) const {
  const std::vector<std::string> pred_tokens = Tokens(prediction);
  const std::vector<std::string> gold_tokens = Tokens(gold);
  // Counter(prediction) & Counter(gold): per token, the smaller count.
  std::unordered_map<std::string, long> gold_counts;
  for (const auto& t : gold_tokens) ++gold_counts[t];
  long num_same = 0;
  for (const auto& t : pred_tokens) {
    auto it = gold_counts.find(t);
    if (it != gold_counts.end() && it->second > 0) {
      --it->second;
      ++num_same;
    }
  }
  if (num_same == 0) return 0;
  const double precision = 1.0 * num_same / static_cast<double>(pred_tokens.size());
  const double recall = 1.0 * num_same / static_cast<double>(gold_tokens.size());
  return (2 * precision * recall) / (precision + recall);
}

QaScore ScoreQa(const std::vector<QaQuestion>& gold,
                const std::map<std::string, std::string>& predictions,
                const AnswerNormalizer& normalizer) {
  if (gold.empty()) throw std::invalid_argument("QA: the gold data has no questions");
  QaScore score;
  long exact_match = 0;
  double f1 = 0;
  for (const QaQuestion& question : gold) {
    ++score.total;
    if (question.answers.empty()) {
      throw std::invalid_argument("QA: question '" + question.id + "' has no gold answers");
    }
    auto it = predictions.find(question.id);
    if (it == predictions.end()) {
      ++score.unanswered;
      score.unanswered_ids.push_back(question.id);
      continue;
    }
    bool em = false;
    double best_f1 = 0;
    for (const std::string& answer : question.answers) {
      em = em || normalizer.ExactMatch(it->second, answer);
      best_f1 = std::max(best_f1, normalizer.F1(it->second, answer));
    }
    exact_match += em ? 1 : 0;
    f1 += best_f1;
  }
  const double total = static_cast<double>(score.total);
  // 100.0 * exact_match / total, in the scripts' order.
  score.exact_match = 100.0 * static_cast<double>(exact_match) / total;
  score.f1 = 100.0 * f1 / total;
  return score;
}

}  // namespace xstilts
