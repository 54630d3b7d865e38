// The report's tables and summary as plain text, before any output format.
//
// Markdown and HTML render the same content: these builders decide rows, columns and the text of
// every cell (numbers already formatted, "-" where a value is missing); the renderers only escape
// and lay it out. Cells are unescaped user text. Pure functions of the Study.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/study.h"

namespace xstilts {

struct ReportTable {
  std::vector<std::string> header;
  std::vector<bool> numeric;  // per column: right-aligned
  std::vector<std::vector<std::string>> rows;
};

// The sentence under each section's heading, shared by the Markdown and HTML reports.
extern const char kSummaryNote[];
extern const char kTargetNote[];
extern const char kEfficiencyNote[];
extern const char kComputeNote[];
extern const char kScatterCaption[];
extern const char kHeatMapNote[];
extern const char kDefaultTitle[];  // when Study::title is empty

// How an intermediate is written in tables: "" -> "none (baseline)".
std::string IntermediateLabel(const std::string& intermediate);

// The (model, intermediate) rows every table shows, in study order: per model the baseline
// first, then each intermediate that has a score on any target or an intermediate_compute entry.
std::vector<std::pair<std::string, std::string>> ReportRows(const Study& study);

// The primary metric of `target` as the score rows name it ("accuracy"); "" when none has a score;
// names joined with "/" when rows disagree.
std::string TargetMetric(const Study& study, const std::string& target);

// A target's heading: "xnli (accuracy, chance 33.3)"; without the metric or chance where unknown.
std::string TargetHeading(const Study& study, const std::string& target);

// Languages with a score on `target` (any model), in study order.
std::vector<std::string> TargetLanguages(const Study& study, const std::string& target);

// One paragraph: per model the best intermediate by average gain among the gains whose 95%
// interval excludes 0 (and no claim of a gain when none does, or with one seed), intermediate
// compute, and what the cache reused of the total.
std::string SummaryParagraph(const Study& study);

// model | intermediate | seeds | <target> (<metric>)... | avg | Δ avg | 95% interval. Scores one
// decimal (means over seeds); Δ avg is Study::AverageGainStats (over targets both rows have),
// marked "*" when its interval excludes 0; "-" on baseline rows.
ReportTable SummaryTable(const Study& study);
// model | intermediate | <language>... | avg; cells "72.0 (+2.0)" ("+2.0*" when the gain's interval
// excludes 0), baseline cells "70.0".
ReportTable TargetTable(const Study& study, const std::string& target);
// Intermediate rows of the models of `group` (no baseline rows) with their compute (recorded and
// projected PFLOP, CPU-h, GPU-h, wall), Δ avg and points per PFLOP / CPU-hour / GPU-hour ("-"
// where the denominator is 0 or a value is missing).
ReportTable EfficiencyTable(const Study& study, ModelGroup group);
// Rows "total" and "reused": PFLOP (recorded, projected), tokens, CPU-h, GPU-h, wall, nodes.
ReportTable ComputeTable(const Study& study);

}  // namespace xstilts
