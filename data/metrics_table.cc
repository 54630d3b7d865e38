#include "data/metrics_table.h"

#include <unistd.h>

#include <cmath>
#include <fstream>
#include <limits>
#include <stdexcept>

#include "base/child_path.h"
#include "base/input_error.h"
#include "data/h5_file.h"

namespace xstilts {

void MetricsTable::AddRow(const std::string& language, std::vector<double> values) {
  if (values.size() != metric_names.size()) throw std::invalid_argument("metrics row of the wrong width");
  languages.push_back(language);
  rows.push_back(std::move(values));
}

std::vector<double> MetricsTable::Average() const {
  if (rows.empty()) return {};
  std::vector<double> mean(metric_names.size(), 0.0);
  for (const auto& row : rows) {
    for (size_t m = 0; m < row.size(); ++m) mean[m] += row[m];
  }
  for (double& v : mean) v /= static_cast<double>(rows.size());
  return mean;
}

nlohmann::json MetricsTable::ToJson() const {
  nlohmann::json by_language = nlohmann::json::object();
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t m = 0; m < metric_names.size(); ++m) by_language[languages[r]][metric_names[m]] = rows[r][m];
  }
  nlohmann::json avg = nlohmann::json::object();
  const std::vector<double> mean = Average();
  for (size_t m = 0; m < mean.size(); ++m) avg[metric_names[m]] = mean[m];
  nlohmann::json out = {{"task", task}, {"metrics", by_language}, {"avg", avg}};
  if (!seqeval.empty()) out["seqeval"] = seqeval;
  if (std::isfinite(chance)) out["chance"] = chance;
  return out;
}

void WriteMetricsArtifact(const MetricsTable& table, const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string("metrics"));
  file.SetAttribute("/", "task", table.task);
  std::string names;
  for (const std::string& n : table.metric_names) names += (names.empty() ? "" : ",") + n;
  file.SetAttribute("/", "metric_names", names);
  if (!table.seqeval.empty()) file.SetAttribute("/", "seqeval", table.seqeval);
  if (std::isfinite(table.chance)) file.SetAttribute("/", "chance", table.chance);
  std::vector<std::string> languages = table.languages;
  languages.push_back("avg");
  file.WriteStrings("/languages", languages);
  const std::vector<double> mean = table.Average();
  for (size_t m = 0; m < table.metric_names.size(); ++m) {
    std::vector<double> column;
    for (const auto& row : table.rows) column.push_back(row[m]);
    column.push_back(mean.empty() ? std::numeric_limits<double>::quiet_NaN() : mean[m]);  // no labelled language
    file.WriteVector("/" + table.metric_names[m], column);
  }
}

MetricsTable ReadMetricsArtifact(const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kReadOnly);
  if (!file.HasAttribute("/", "kind") || file.GetStringAttribute("/", "kind") != "metrics") {
    throw InputError(path.string(), 0, "not a metrics artifact");
  }
  MetricsTable table;
  table.task = file.GetStringAttribute("/", "task");
  const std::string names = file.GetStringAttribute("/", "metric_names");
  if (file.HasAttribute("/", "seqeval")) table.seqeval = file.GetStringAttribute("/", "seqeval");
  if (file.HasAttribute("/", "chance")) table.chance = file.GetDoubleAttribute("/", "chance");
  for (size_t begin = 0; begin < names.size();) {
    size_t end = names.find(',', begin);
    if (end == std::string::npos) end = names.size();
    table.metric_names.push_back(names.substr(begin, end - begin));
    begin = end + 1;
  }
  const std::vector<std::string> languages = file.ReadStrings("/languages");
  std::vector<std::vector<double>> columns;
  for (const std::string& name : table.metric_names) {
    columns.push_back(file.ReadVector<double>("/" + name));
    if (columns.back().size() != languages.size()) {
      throw InputError(path.string(), 0, "metric '" + name + "' has " + std::to_string(columns.back().size()) +
                                             " rows for " + std::to_string(languages.size()) + " languages");
    }
  }
  for (size_t r = 0; r < languages.size(); ++r) {
    if (languages[r] == "avg") continue;
    std::vector<double> row;
    for (const std::vector<double>& column : columns) row.push_back(column[r]);
    table.AddRow(languages[r], std::move(row));
  }
  return table;
}

void WriteMetricsJson(const MetricsTable& table, const std::filesystem::path& run_dir, const std::string& node) {
  const std::filesystem::path dir = run_dir / "metrics";
  const std::filesystem::path path = ChildPath(dir, node + ".json");
  std::filesystem::create_directories(dir);
  // Private to this process: two runs may write the same node's metrics at once.
  const std::filesystem::path tmp = path.string() + "." + std::to_string(::getpid()) + ".tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << table.ToJson().dump(2) << "\n";
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  std::filesystem::rename(tmp, path);
}

}  // namespace xstilts
