// The study report as GitHub-flavoured Markdown.
//
// Sections: title and summary paragraph, "Summary" (the XTREME-style main table), "Per target
// task", "Efficiency" (multilingual and monolingual models apart) and "Compute"; the content is
// report/report_tables.h's. Names are escaped for table cells ('|' and raw HTML); missing values
// are "-". Pure and deterministic: the same Study gives the same bytes.
#pragma once

#include <string>

#include "report/study.h"

namespace xstilts {

std::string RenderMarkdown(const Study& study);

}  // namespace xstilts
