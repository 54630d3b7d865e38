#include "nodes/evaluation/eval_decoding.h"

#include <algorithm>
#include <numeric>
#include <stdexcept>

namespace xstilts {
namespace {

// Code points [begin, end) of UTF-8 `s` as bytes.
std::string CodePointSlice(const std::string& s, int64_t begin, int64_t end) {
  size_t byte = 0, begin_byte = std::string::npos, end_byte = s.size();
  int64_t cp = 0;
  while (byte <= s.size()) {
    if (cp == begin && begin_byte == std::string::npos) begin_byte = byte;
    if (cp == end) {
      end_byte = byte;
      break;
    }
    if (byte == s.size()) break;
    ++byte;
    while (byte < s.size() && (static_cast<unsigned char>(s[byte]) & 0xC0) == 0x80) ++byte;
    ++cp;
  }
  if (begin_byte == std::string::npos || end_byte < begin_byte) return "";
  return s.substr(begin_byte, end_byte - begin_byte);
}

}  // namespace

std::vector<int64_t> BestIndexes(const std::vector<float>& values, int64_t n) {
  std::vector<int64_t> order(values.size());
  std::iota(order.begin(), order.end(), 0);
  // Python's sorted(..., reverse=True) is stable: equal logits keep position order.
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return values[a] > values[b]; });
  if (static_cast<int64_t>(order.size()) > n) order.resize(static_cast<size_t>(std::max<int64_t>(n, 0)));
  return order;
}

QaSpan DecodeQaSpan(const std::vector<QaWindow>& windows, const std::string& context, int64_t n_best,
                    int64_t max_answer_length) {
  // Max-context window of each context token (identified by its code-point start): the window
  // where min(left, right context) + 0.01 x window context length is largest, the first on ties.
  std::map<int32_t, std::pair<double, size_t>> max_context;
  for (size_t w = 0; w < windows.size(); ++w) {
    const QaWindow& win = windows[w];
    if (win.start_logits.size() != win.char_start.size() || win.end_logits.size() != win.char_start.size() ||
        win.char_end.size() != win.char_start.size()) {
      throw std::invalid_argument("QA window " + std::to_string(w) + ": per-token vectors differ in length");
    }
    std::vector<size_t> context_tokens;
    for (size_t t = 0; t < win.char_start.size(); ++t) {
      if (win.char_start[t] >= 0) context_tokens.push_back(t);
    }
    const double length = static_cast<double>(context_tokens.size());
    for (size_t i = 0; i < context_tokens.size(); ++i) {
      const double left = static_cast<double>(i), right = length - 1 - static_cast<double>(i);
      const double score = std::min(left, right) + 0.01 * length;
      auto it = max_context.find(win.char_start[context_tokens[i]]);
      if (it == max_context.end() || score > it->second.first) {
        max_context[win.char_start[context_tokens[i]]] = {score, w};
      }
    }
  }
  QaSpan best;
  for (size_t w = 0; w < windows.size(); ++w) {
    const QaWindow& win = windows[w];
    const std::vector<int64_t> starts = BestIndexes(win.start_logits, n_best);
    const std::vector<int64_t> ends = BestIndexes(win.end_logits, n_best);
    for (int64_t s : starts) {
      if (win.char_start[s] < 0 || max_context.at(win.char_start[s]).second != w) continue;
      for (int64_t e : ends) {
        if (win.char_start[e] < 0 || e < s || e - s + 1 > max_answer_length) continue;
        const double score = static_cast<double>(win.start_logits[s]) + static_cast<double>(win.end_logits[e]);
        // Strictly greater: the first candidate in collection order wins ties (stable sort).
        if (!best.found || score > best.score) {
          best.found = true;
          best.score = score;
          best.window = static_cast<int64_t>(w);
          best.start_token = s;
          best.end_token = e;
          best.char_start = win.char_start[s];
          best.char_end = win.char_end[e];
        }
      }
    }
  }
  if (best.found) best.text = CodePointSlice(context, best.char_start, best.char_end);
  return best;
}

std::map<int32_t, int32_t> FirstSubTokenLabels(const std::vector<int32_t>& word_index,
                                               const std::vector<int32_t>& predicted) {
  if (word_index.size() != predicted.size()) throw std::invalid_argument("word_index and predictions differ in length");
  std::map<int32_t, int32_t> out;
  for (size_t t = 0; t < word_index.size(); ++t) {
    if (word_index[t] >= 0) out.emplace(word_index[t], predicted[t]);
  }
  return out;
}

std::vector<std::string> WordTags(const std::map<int32_t, int32_t>& by_word, int64_t num_words,
                                  const std::vector<std::string>& labels, const std::string& fill) {
  std::vector<std::string> tags(static_cast<size_t>(num_words), fill);
  for (const auto& [word, label] : by_word) {
    if (word < num_words && label >= 0 && label < static_cast<int32_t>(labels.size())) tags[word] = labels[label];
  }
  return tags;
}

}  // namespace xstilts
