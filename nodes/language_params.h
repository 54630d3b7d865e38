// Checking language-code params when a pipeline loads, so that a misspelt code fails at once
// instead of a node finding no example of that language after its inputs were built.
#pragma once

#include <initializer_list>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/node_type.h"

namespace xstilts {

// One problem per code in the named params (strings or lists of strings; "" is skipped) that is
// not a language xstilts knows: an ISO 639-1 code of XTREME's and XLM-R's languages, optionally
// with a region ("pt_BR", "zh-CN").
std::vector<ParamProblem> CheckLanguageCodes(const nlohmann::json& params, std::initializer_list<const char*> names);

}  // namespace xstilts
