#include "graph/diagnostics.h"

#include <algorithm>
#include <sstream>

#include "base/closest_match.h"

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


std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates) {
  std::string match = ClosestMatch(word, candidates);
  return match.empty() ? "" : "; did you mean '" + match + "'?";
}

}  // namespace xstilts
