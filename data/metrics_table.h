// The "metrics" artifact of the evaluation node types (evaluate, retrieve) and its JSON copy in
// the run directory. docs/artifacts.md, section "metrics", documents the layout:
//   root attributes  kind = "metrics", task, metric_names (comma-separated, in column order),
//                    seqeval (only where seqeval scored the rows: the release, e.g. "0.0.12"),
//                    chance (only where known: the primary metric of a uniform random guess,
//                    percent: 100 / labels or choices for accuracy, 100 / candidates for Tatoeba)
//   /languages       one string per row: each language, then "avg" (the mean over the languages)
//   /<metric>        float64, one value per row (percent, as XTREME reports)
//
// Not thread-safe; HDF5 failures throw H5Error, file failures std::runtime_error.
#pragma once

#include <filesystem>
#include <limits>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xstilts {

struct MetricsTable {
  std::string task;                         // the head / task name, e.g. "xnli"
  std::vector<std::string> metric_names;    // column order, e.g. {"f1", "exact_match"}
  std::vector<std::string> languages;       // rows, without the average
  std::vector<std::vector<double>> rows;    // rows[language][metric]
  // Tagging: the seqeval release whose chunking scored the rows ("0.0.12", "1.2.2"); else empty.
  std::string seqeval;
  // The primary metric of a uniform random guess (percent); NaN where there is no such simple
  // level (F1 of tagging and span QA) or it was not recorded.
  double chance = std::numeric_limits<double>::quiet_NaN();

  void AddRow(const std::string& language, std::vector<double> values);
  // The mean of each metric over the rows; empty when there are none.
  std::vector<double> Average() const;
  // {"task", "metrics": {language: {metric: value}}, "avg": {metric: value}}, and "seqeval" and
  // "chance" when they are set.
  nlohmann::json ToJson() const;
};

void WriteMetricsArtifact(const MetricsTable& table, const std::filesystem::path& path);
// Reads a metrics artifact back (the "avg" row is dropped: Average() recomputes it). Throws
// InputError naming the file when it is not a metrics artifact, H5Error when HDF5 fails.
MetricsTable ReadMetricsArtifact(const std::filesystem::path& path);
// ToJson() to <run_dir>/metrics/<node>.json (the directory is created), replacing the file.
void WriteMetricsJson(const MetricsTable& table, const std::filesystem::path& run_dir, const std::string& node);

}  // namespace xstilts
