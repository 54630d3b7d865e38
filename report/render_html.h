// The study report as one self-contained HTML page.
//
// The Markdown report's sections and tables (report/report_tables.h), plus the compute-vs-gain
// scatter in "Efficiency" and one gain heat map per model (report/svg_plots.h). Inline CSS and
// inline SVG only: no <script>, no external stylesheet, font, image or link; the only URL on the
// page is the SVG namespace. All user text is HTML-escaped. Pure and deterministic.
#pragma once

#include <string>

#include "report/study.h"

namespace xstilts {

std::string RenderHtml(const Study& study);

}  // namespace xstilts
