// Reads YAML text into a located Value tree (graph/value.h).
//
// Syntax errors and duplicate keys are reported to `diagnostics` with file:line:col (yaml-cpp's
// 0-based marks are converted to 1-based). Never throws on bad input. An alias shares its
// anchor's values (graph/value.h), so it costs no memory at load; but expansion and validation
// walk the tree as if each alias were a copy, so a document is refused when it holds more than
// kMaxPipelineValues values once its aliases are expanded: a small file cannot keep the machine
// busy (or, once values are changed and so copied, fill its memory).
#pragma once

#include <optional>
#include <string>

#include "graph/diagnostics.h"
#include "graph/value.h"

namespace xstilts {

// Scalars, lists and maps in one document, aliases expanded. The paper's 816-node grid holds about
// 3,000; a million values take about 100 MB.
constexpr size_t kMaxPipelineValues = 1000000;

// Parses `text`, naming it `file` in locations; registers the text with `diagnostics` for carets.
std::optional<Value> ParseYaml(const std::string& text, const std::string& file,
                               Diagnostics& diagnostics);

}  // namespace xstilts
