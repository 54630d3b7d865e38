#include "graph/diagnostics.h"

#include <algorithm>
#include <sstream>

namespace xstilts {

void Diagnostics::Error(const SourceLocation& loc, std::string message) {
  errors_.push_back(Diagnostic{loc, std::move(message)});
}

void Diagnostics::AddSource(const std::string& file, const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  sources_[file] = std::move(lines);
}

std::string Diagnostics::SourceLine(const std::string& file, int line) const {
  auto it = sources_.find(file);
  if (it == sources_.end() || line <= 0 || line > static_cast<int>(it->second.size())) return "";
  return it->second[static_cast<size_t>(line - 1)];
}

std::string Diagnostics::Render() const {
  std::string out;
  for (const Diagnostic& d : errors_) {
    out += d.loc.ToString() + ": error: " + d.message + "\n";
    std::string source = SourceLine(d.loc.file, d.loc.line);
    if (!source.empty()) {
      out += "  " + source + "\n";
      // Keep tabs so the caret lines up under tab-indented text.
      std::string pad;
      for (int i = 0; i + 1 < d.loc.column && i < static_cast<int>(source.size()); ++i) {
        pad += source[static_cast<size_t>(i)] == '\t' ? '\t' : ' ';
      }
      out += "  " + pad + "^\n";
    }
  }
  if (errors_.size() > 1) out += std::to_string(errors_.size()) + " errors\n";
  return out;
}

namespace {

size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

}  // namespace

std::string ClosestMatch(const std::string& word, const std::vector<std::string>& candidates) {
  // As ninja's spellcheck: accept up to a third of the word's length in edits (at least 1, at most 3).
  size_t limit = std::clamp<size_t>(word.size() / 3, 1, 3);
  std::string best;
  size_t best_distance = limit + 1;
  for (const std::string& c : candidates) {
    size_t d = EditDistance(word, c);
    if (d < best_distance) {
      best = c;
      best_distance = d;
    }
  }
  return best;
}

std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(word, candidates);
  return match.empty() ? "" : "; did you mean '" + match + "'?";
}

}  // namespace xstilts
