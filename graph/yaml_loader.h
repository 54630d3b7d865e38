// Reads YAML text into a located Value tree (graph/value.h).
//
// Syntax errors and duplicate keys are reported to `diagnostics` with file:line:col (yaml-cpp's
// 0-based marks are converted to 1-based). Never throws on bad input. A document is refused when
// it holds more than kMaxPipelineValues values once its aliases are expanded (each alias is a
// copy of its anchor), so that a small file cannot exhaust the memory.
#pragma once

#include <optional>
#include <string>

#include "graph/diagnostics.h"
#include "graph/value.h"

namespace xstilts {

// Scalars, lists and maps in one document, aliases expanded. The paper's 708-node grid holds about
// 3,000; a million values take about 100 MB.
constexpr size_t kMaxPipelineValues = 1000000;

// Parses `text`, naming it `file` in locations; registers the text with `diagnostics` for carets.
std::optional<Value> ParseYaml(const std::string& text, const std::string& file,
                               Diagnostics& diagnostics);

}  // namespace xstilts
