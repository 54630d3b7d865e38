// The study's scores as long-format CSV (RFC 4180, "\r\n" line ends, quoting only where needed).
//
// Header: model,group,intermediate,target,metric,language,score,score_sd,n_seeds,baseline,gain,
//         gain_ci_low,gain_ci_high,intermediate_pflops,intermediate_cpu_hours,intermediate_gpu_hours
// One row per (model, intermediate, target, language) score, in study order, then a row with
// language "avg" for the cell's average. score is the mean over the cell's n_seeds replicates and
// score_sd their sample standard deviation; gain is Study::PairedGain, with its 95% interval.
// Baseline rows have intermediate "none" (their baseline is their own score, gain 0). Fields are
// empty where a value is missing: no baseline score for that language, fewer than 2 replicates
// (score_sd) or pairs (the interval), no compute record, or a model without a group. Scores and gains have 4 decimals,
// compute 6 significant digits. Pure and deterministic.
#pragma once

#include <string>

#include "report/study.h"

namespace xstilts {

std::string RenderCsv(const Study& study);

}  // namespace xstilts
