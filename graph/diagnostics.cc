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

// Optimal string alignment distance: edits are insert, delete, substitute, and swapping two
// neighbours, so the common typo "trian" is one edit from "train".
size_t EditDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
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
