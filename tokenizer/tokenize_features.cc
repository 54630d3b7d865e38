#include "tokenizer/tokenize_features.h"

#include <algorithm>
#include <stdexcept>

#include <fmt/format.h>

#include "base/input_error.h"
#include "base/utf8.h"

namespace xstilts {
namespace {

// Bytes of the whitespace character at text[pos], or 0. The set is what Python's str.isspace()
// accepts, so spans trimmed here agree with what the evaluation strips from answers.
size_t SpaceAt(std::string_view text, size_t pos) {
  const auto byte = [&](size_t i) { return i < text.size() ? static_cast<unsigned char>(text[i]) : 0u; };
  const unsigned c = byte(pos);
  if (c == ' ' || (c >= '\t' && c <= '\r') || (c >= 0x1c && c <= 0x1f)) return 1;
  if (c == 0xc2 && (byte(pos + 1) == 0x85 || byte(pos + 1) == 0xa0)) return 2;
  if (c == 0xe1 && byte(pos + 1) == 0x9a && byte(pos + 2) == 0x80) return 3;
  if (c == 0xe2 && byte(pos + 1) == 0x80) {
    const unsigned d = byte(pos + 2);
    if ((d >= 0x80 && d <= 0x8a) || d == 0xa8 || d == 0xa9 || d == 0xaf) return 3;
  }
  if (c == 0xe2 && byte(pos + 1) == 0x81 && byte(pos + 2) == 0x9f) return 3;
  if (c == 0xe3 && byte(pos + 1) == 0x80 && byte(pos + 2) == 0x80) return 3;
  return 0;
}

void PushToken(TokenFeatures* out, int32_t id) { out->input_ids.push_back(id); }

void EndFeature(TokenFeatures* out, int64_t index) {
  out->offsets.push_back(static_cast<int64_t>(out->input_ids.size()));
  out->example_index.push_back(index);
}

// Shortens the two segments to at most `capacity` tokens together; true when anything was cut.
bool Truncate(size_t* la, size_t* lb, size_t capacity, Truncation truncation) {
  if (*la + *lb <= capacity) return false;
  if (truncation == Truncation::kOnlySecond) {
    *la = std::min(*la, capacity);
    *lb = capacity - *la;
    return true;
  }
  // Hugging Face's longest_first: one token at a time from the longer one (ties: the second).
  const size_t excess = *la + *lb - capacity;
  const size_t diff = *la > *lb ? *la - *lb : *lb - *la;
  size_t& longer = *la > *lb ? *la : *lb;
  const size_t first_cut = std::min(excess, diff);
  longer -= first_cut;
  const size_t rest = excess - first_cut;  // now la == lb (or excess was used up)
  *lb -= (rest + 1) / 2;
  *la -= rest / 2;
  return true;
}

}  // namespace

const char* TruncationName(Truncation truncation) {
  return truncation == Truncation::kOnlySecond ? "only_second" : "longest_first";
}

FeatureBuilder::FeatureBuilder(const Tokenizer& model, TaskType task, std::vector<std::string> labels,
                               const TokenizeOptions& options)
    : model_(model), task_(task), labels_(std::move(labels)), options_(options) {
  std::vector<std::string> problems;
  const SpecialIds& ids = model.special_ids();
  bos_ = ids.bos;
  eos_ = ids.eos;
  unk_ = ids.unk;
  if (bos_ < 0 || eos_ < 0) problems.push_back("the tokenizer has no <s> or no </s> piece, which features need");
  if (unk_ < 0 && task == TaskType::kTagging) problems.push_back("the tokenizer has no <unk> piece");
  if (options.max_length < 8) {
    problems.push_back(fmt::format("param 'max_length': expected at least 8, got {}", options.max_length));
  }
  if (task == TaskType::kSpanQa) {
    if (options.max_query_length < 1) {
      problems.push_back(fmt::format("param 'max_query_length': expected at least 1, got {}", options.max_query_length));
    } else if (options.max_length - options.max_query_length - 4 < 1) {
      problems.push_back(fmt::format("param 'max_query_length': {} leaves no room for the context in max_length {} "
                                     "(question + 4 special tokens + at least 1 context token)",
                                     options.max_query_length, options.max_length));
    }
    if (options.doc_stride < 1) {
      problems.push_back(fmt::format("param 'doc_stride': expected at least 1, got {}", options.doc_stride));
    }
  }
  if (!problems.empty()) {
    std::string message = problems[0];
    for (size_t i = 1; i < problems.size(); ++i) message += "; " + problems[i];
    throw InputError(message);
  }
  for (size_t i = 0; i < labels_.size(); ++i) label_ids_.emplace(labels_[i], static_cast<int32_t>(i));
}

Encoding FeatureBuilder::Encode(std::string_view text, const Example* example) const {
  Encoding encoding;
  Status status = model_.EncodeAppend(text, &encoding);
  if (!status.ok()) {
    throw std::runtime_error((example ? "example '" + example->id + "': " : std::string()) + status.message());
  }
  return encoding;
}

int32_t FeatureBuilder::LabelId(const std::string& label, const Example& e, int64_t index) const {
  const auto it = label_ids_.find(label);
  if (it != label_ids_.end()) return it->second;
  std::string known;
  for (size_t i = 0; i < labels_.size() && i < 20; ++i) known += (i ? ", " : "") + labels_[i];
  if (labels_.size() > 20) known += ", ...";
  throw InputError(fmt::format("example {} (id '{}', {}): label '{}' is not in the label set [{}]", index, e.id,
                               e.language, label, known));
}

void FeatureBuilder::AddExample(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const {
  switch (task_) {
    case TaskType::kPairClassification:
    case TaskType::kSentenceClassification:
      return AddClassification(e, index, out, counts);
    case TaskType::kTagging:
      return AddTagging(e, index, out, counts);
    case TaskType::kSpanQa:
      return AddSpanQa(e, index, out, counts);
    case TaskType::kMultipleChoice:
      return AddMultipleChoice(e, index, out, counts);
    case TaskType::kParallelSentences:
      throw std::logic_error("parallel sentences have no example rows; use AddSentence");
  }
}

void FeatureBuilder::AddSegments(const Encoding& a, const Encoding& b, bool pair, int64_t index, TokenFeatures* out,
                                 FeatureCounts* counts) const {
  size_t la = a.size(), lb = b.size();
  const auto capacity = static_cast<size_t>(options_.max_length - (pair ? 4 : 2));
  if (Truncate(&la, &lb, capacity, options_.truncation)) ++counts->truncated;
  PushToken(out, bos_);
  out->input_ids.insert(out->input_ids.end(), a.ids.begin(), a.ids.begin() + la);
  PushToken(out, eos_);
  if (pair) {
    PushToken(out, eos_);
    out->input_ids.insert(out->input_ids.end(), b.ids.begin(), b.ids.begin() + lb);
    PushToken(out, eos_);
  }
  EndFeature(out, index);
}

void FeatureBuilder::AddClassification(const Example& e, int64_t index, TokenFeatures* out,
                                       FeatureCounts* counts) const {
  const bool pair = task_ == TaskType::kPairClassification;
  AddSegments(Encode(e.text_a, &e), pair ? Encode(e.text_b, &e) : Encoding(), pair, index, out, counts);
  out->label.push_back(e.label.empty() ? -1 : LabelId(e.label, e, index));
}

void FeatureBuilder::AddMultipleChoice(const Example& e, int64_t index, TokenFeatures* out,
                                       FeatureCounts* counts) const {
  int32_t label = -1;
  if (!e.label.empty()) {
    label = LabelId(e.label, e, index);
    if (static_cast<size_t>(label) >= e.choices.size()) {
      throw InputError(fmt::format("example {} (id '{}', {}): label '{}' names no choice of the {}", index, e.id,
                                   e.language, e.label, e.choices.size()));
    }
  }
  const std::string& first = e.context.empty() ? e.question : e.context;
  const bool question_goes_second = !e.context.empty() && !e.question.empty();
  const Encoding encoded_first = Encode(first, &e);
  for (size_t k = 0; k < e.choices.size(); ++k) {
    const std::string second = question_goes_second ? e.question + " " + e.choices[k] : e.choices[k];
    if (first.empty()) {
      AddSegments(Encode(second, &e), Encoding(), false, index, out, counts);
    } else {
      AddSegments(encoded_first, Encode(second, &e), true, index, out, counts);
    }
    out->label.push_back(label);
    out->choice_index.push_back(static_cast<int32_t>(k));
  }
}

void FeatureBuilder::AddSentence(std::string_view text, int32_t side, int64_t sentence_index, int64_t index,
                                 TokenFeatures* out, FeatureCounts* counts) const {
  AddSegments(Encode(text, nullptr), Encoding(), false, index, out, counts);
  out->side.push_back(side);
  out->sentence_index.push_back(sentence_index);
}

void FeatureBuilder::AddTagging(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const {
  // Sub-tokens of every word back to back; word w owns [word_end[w - 1], word_end[w]).
  Encoding pieces;
  std::vector<size_t> word_end;
  word_end.reserve(e.tokens.size());
  for (const std::string& word : e.tokens) {
    const size_t before = pieces.size();
    Status status = model_.EncodeWordAppend(word, &pieces);
    if (!status.ok()) throw std::runtime_error("example '" + e.id + "': " + status.message());
    if (pieces.size() == before) {
      pieces.ids.push_back(unk_);
      pieces.begins.push_back(0);
      pieces.ends.push_back(static_cast<uint32_t>(word.size()));
    }
    word_end.push_back(pieces.size());
  }
  std::vector<int32_t> tag_ids(e.tokens.size(), kIgnoredTokenLabel);
  for (size_t w = 0; w < e.tags.size(); ++w) tag_ids[w] = LabelId(e.tags[w], e, index);

  const auto capacity = static_cast<size_t>(options_.max_length - 2);
  size_t features = 0;
  size_t w = 0;
  do {  // one feature per round; an example without words still gets <s> </s>
    PushToken(out, bos_);
    out->token_labels.push_back(kIgnoredTokenLabel);
    out->word_index.push_back(-1);
    size_t used = 0;
    for (; w < e.tokens.size(); ++w) {
      const size_t begin = w == 0 ? 0 : word_end[w - 1];
      size_t length = word_end[w] - begin;
      if (used + length > capacity) {
        if (used > 0) break;  // the word starts the next feature
        length = capacity;    // a single word longer than a feature: keep its start
        ++counts->truncated;
      }
      for (size_t t = 0; t < length; ++t) {
        PushToken(out, pieces.ids[begin + t]);
        const bool first = t == 0;
        out->token_labels.push_back(first || options_.label_all_subtokens ? tag_ids[w] : kIgnoredTokenLabel);
        out->word_index.push_back(first ? static_cast<int32_t>(w) : -1);
      }
      used += length;
    }
    PushToken(out, eos_);
    out->token_labels.push_back(kIgnoredTokenLabel);
    out->word_index.push_back(-1);
    EndFeature(out, index);
    ++features;
  } while (w < e.tokens.size());
  if (features > 1) ++counts->split;
}

void FeatureBuilder::AddSpanQa(const Example& e, int64_t index, TokenFeatures* out, FeatureCounts* counts) const {
  Encoding question = Encode(e.question, &e);
  const size_t lq = std::min(question.size(), static_cast<size_t>(options_.max_query_length));
  if (lq < question.size()) ++counts->truncated;
  const Encoding context = Encode(e.context, &e);
  const size_t n = context.size();

  // Code-point spans of the context tokens, leading whitespace left out.
  std::vector<int32_t> code_point_at(e.context.size() + 1, 0);
  for (size_t b = 0, cp = 0; b <= e.context.size(); ++b) {
    code_point_at[b] = static_cast<int32_t>(cp);
    if (b < e.context.size() && (static_cast<unsigned char>(e.context[b]) & 0xc0) != 0x80) ++cp;
  }
  // code_point_at[b] counts code points starting before b; at a boundary that is b's own index.
  std::vector<int32_t> cs(n), ce(n);
  for (size_t t = 0; t < n; ++t) {
    size_t begin = context.begins[t];
    const size_t end = context.ends[t];
    while (begin < end) {
      const size_t space = SpaceAt(e.context, begin);
      if (space == 0) break;
      begin += space;
    }
    cs[t] = code_point_at[std::min(begin, end)];
    ce[t] = code_point_at[end];
  }

  // The answer as code points [answer_begin, answer_end); -1 when there is none to learn.
  enum class Target { kUnlabelled, kImpossible, kSpan } target = Target::kUnlabelled;
  int64_t answer_begin = -1, answer_end = -1;
  if (!e.answers.empty() && !e.answers[0].text.empty()) {
    target = Target::kSpan;
    answer_begin = e.answers[0].start;
    answer_end = answer_begin + CountCodePoints(e.answers[0].text);
  } else if (e.is_impossible) {
    target = Target::kImpossible;
  }

  const auto window_capacity = static_cast<size_t>(options_.max_length) - lq - 4;
  const auto base = static_cast<int32_t>(lq + 3);  // <s> question </s></s>
  size_t windows = 0;
  for (size_t start = 0;; ) {
    const size_t length = std::min(window_capacity, n - start);
    const size_t end = start + length;
    PushToken(out, bos_);
    out->input_ids.insert(out->input_ids.end(), question.ids.begin(), question.ids.begin() + lq);
    PushToken(out, eos_);
    PushToken(out, eos_);
    out->context_char_start.insert(out->context_char_start.end(), lq + 3, -1);
    out->context_char_end.insert(out->context_char_end.end(), lq + 3, -1);
    out->input_ids.insert(out->input_ids.end(), context.ids.begin() + start, context.ids.begin() + end);
    out->context_char_start.insert(out->context_char_start.end(), cs.begin() + start, cs.begin() + end);
    out->context_char_end.insert(out->context_char_end.end(), ce.begin() + start, ce.begin() + end);
    PushToken(out, eos_);
    out->context_char_start.push_back(-1);
    out->context_char_end.push_back(-1);
    EndFeature(out, index);

    int32_t first = target == Target::kUnlabelled ? -1 : 0;
    int32_t last = first;
    if (target == Target::kSpan && length > 0 && cs[start] <= answer_begin && ce[end - 1] >= answer_end) {
      // As Hugging Face's run_qa: the last token starting at or before the answer, the first
      // token ending at or after it.
      size_t s = start;
      while (s + 1 < end && cs[s + 1] <= answer_begin) ++s;
      size_t t = end - 1;
      while (t > start && ce[t - 1] >= answer_end) --t;
      t = std::max(t, s);
      first = base + static_cast<int32_t>(s - start);
      last = base + static_cast<int32_t>(t - start);
    }
    out->start_position.push_back(first);
    out->end_position.push_back(last);
    ++windows;
    if (end >= n) break;
    start += std::min(length, static_cast<size_t>(options_.doc_stride));
  }
  if (windows > 1) ++counts->split;
}

}  // namespace xstilts
