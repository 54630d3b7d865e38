// The three files of a report, written side by side: report.md, report.csv, report.html
// (renderers in report/render_*.h). Each file appears whole or not at all (written to a temporary
// name, then renamed). Throws std::runtime_error naming the file on I/O errors.
#pragma once

#include <filesystem>
#include <vector>

#include "report/study.h"

namespace xstilts {

// Creates `dir` if needed; returns the paths written.
std::vector<std::filesystem::path> WriteReportFiles(const Study& study, const std::filesystem::path& dir);

}  // namespace xstilts
