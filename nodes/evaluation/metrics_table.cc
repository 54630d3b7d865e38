#include "nodes/evaluation/metrics_table.h"

#include <fstream>
#include <stdexcept>

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
  return {{"task", task}, {"metrics", by_language}, {"avg", avg}};
}

void WriteMetricsArtifact(const MetricsTable& table, const std::filesystem::path& path) {
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string("metrics"));
  file.SetAttribute("/", "task", table.task);
  std::string names;
  for (const std::string& n : table.metric_names) names += (names.empty() ? "" : ",") + n;
  file.SetAttribute("/", "metric_names", names);
  std::vector<std::string> languages = table.languages;
  languages.push_back("avg");
  file.WriteStrings("/languages", languages);
  const std::vector<double> mean = table.Average();
  for (size_t m = 0; m < table.metric_names.size(); ++m) {
    std::vector<double> column;
    for (const auto& row : table.rows) column.push_back(row[m]);
    column.push_back(mean.empty() ? 0.0 : mean[m]);
    file.WriteVector("/" + table.metric_names[m], column);
  }
}

void WriteMetricsJson(const MetricsTable& table, const std::filesystem::path& run_dir, const std::string& node) {
  const std::filesystem::path dir = run_dir / "metrics";
  std::filesystem::create_directories(dir);
  const std::filesystem::path tmp = dir / (node + ".json.tmp");
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << table.ToJson().dump(2) << "\n";
    if (!out) throw std::runtime_error(tmp.string() + ": cannot write");
  }
  std::filesystem::rename(tmp, dir / (node + ".json"));
}

}  // namespace xstilts
