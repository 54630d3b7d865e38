// Reads YAML text into a located Value tree (graph/value.h).
//
// Syntax errors and duplicate keys are reported to `diagnostics` with file:line:col (yaml-cpp's
// 0-based marks are converted to 1-based). Never throws on bad input.
#pragma once

#include <optional>
#include <string>

#include "graph/diagnostics.h"
#include "graph/value.h"

namespace xstilts {

// Parses `text`, naming it `file` in locations; registers the text with `diagnostics` for carets.
std::optional<Value> ParseYaml(const std::string& text, const std::string& file,
                               Diagnostics& diagnostics);

}  // namespace xstilts
