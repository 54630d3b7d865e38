// Diagnostics: errors in pipeline files, collected so that all of them are reported at once.
//
// Rendered as compilers do:
//   demo.yaml:12:7: error: unknown parameter 'learning_rat' for node type 'train'; did you mean 'learning_rate'?
//     learning_rat: 3e-5
//     ^
// Source lines come from the files the loader read (or from text registered with AddSource).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "graph/value.h"

namespace xstilts {

struct Diagnostic {
  SourceLocation loc;
  std::string message;
};

class Diagnostics {
 public:
  void Error(const SourceLocation& loc, std::string message);
  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::vector<Diagnostic>& errors() const { return errors_; }

  // Makes `text` the source of `file` for rendering carets (the loader does this for each file).
  void AddSource(const std::string& file, const std::string& text);

  // Every error with its source line and caret, in the order reported, then a count line when
  // there is more than one.
  std::string Render() const;

 private:
  std::string SourceLine(const std::string& file, int line) const;
  std::vector<Diagnostic> errors_;
  std::map<std::string, std::vector<std::string>> sources_;
};

// "; did you mean 'x'?" (base/closest_match.h) or "".
std::string DidYouMean(const std::string& word, const std::vector<std::string>& candidates);

}  // namespace xstilts
