// The files a pipeline run leaves in its cache, as the paper pipelines' tests read them: every
// file of a name (report.csv, a metrics JSON), and the rows of the report's CSV.
#pragma once

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace xstilts::testing {

// The rows of a CSV file without quoted fields (the report's), LF or CRLF; blank lines skipped.
inline std::vector<std::vector<std::string>> ReadCsv(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::vector<std::string>> rows;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;
    std::vector<std::string> fields;
    std::string field;
    std::istringstream cells(line);
    while (std::getline(cells, field, ',')) fields.push_back(field);
    if (!line.empty() && line.back() == ',') fields.push_back("");
    rows.push_back(fields);
  }
  return rows;
}

// Every file named `name` under `root`.
inline std::vector<std::filesystem::path> FindFiles(const std::filesystem::path& root, const std::string& name) {
  std::vector<std::filesystem::path> found;
  if (!std::filesystem::exists(root)) return found;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().filename() == name) found.push_back(entry.path());
  }
  return found;
}

}  // namespace xstilts::testing
