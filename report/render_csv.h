// The study's scores as long-format CSV (RFC 4180, "\r\n" line ends, quoting only where needed).
//
// Header: model,group,intermediate,target,metric,language,score,baseline,gain,
//         intermediate_pflops,intermediate_cpu_hours,intermediate_gpu_hours
// One row per (model, intermediate, target, language) score, in study order, then a row with
// language "avg" for the cell's average. Baseline rows have intermediate "none" (their baseline is
// their own score, gain 0). Fields are empty where a value is missing: no baseline score for that
// language, no compute record, or a model without a group. Scores and gains have 4 decimals,
// compute 6 significant digits. Pure and deterministic.
#pragma once

#include <string>

#include "report/study.h"

namespace xstilts {

std::string RenderCsv(const Study& study);

}  // namespace xstilts
