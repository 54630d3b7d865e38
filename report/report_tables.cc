#include "report/report_tables.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "report/formatting.h"

namespace xstilts {
namespace {

constexpr int kScoreDecimals = 1;
const char kMissing[] = "-";

std::string ScoreText(std::optional<double> value) {
  return value ? FormatFixed(*value, kScoreDecimals) : kMissing;
}

// "+1.3*" when the 95% interval excludes 0, "+1.3" when it does not or cannot be computed.
std::string GainText(const std::optional<GainStats>& gain) {
  if (!gain) return kMissing;
  return FormatSigned(gain->mean, kScoreDecimals) + (gain->Separated() ? "*" : "");
}

std::string IntervalText(const std::optional<GainStats>& gain) {
  if (!gain || !gain->low || !gain->high) return kMissing;
  return fmt::format("{} to {}", FormatSigned(*gain->low, kScoreDecimals), FormatSigned(*gain->high, kScoreDecimals));
}

// The number of replicates behind a (model, intermediate) row: one number when every target
// agrees, else "min-max".
std::string SeedsText(const Study& study, const std::string& model, const std::string& intermediate) {
  int low = 0;
  int high = 0;
  for (const std::string& target : study.targets) {
    if (const ScoreRow* row = study.Find(model, intermediate, target)) {
      low = low == 0 ? row->seeds() : std::min(low, row->seeds());
      high = std::max(high, row->seeds());
    }
  }
  if (high == 0) return kMissing;
  return low == high ? fmt::format("{}", low) : fmt::format("{}-{}", low, high);
}

// The projected PFLOP of some compute; missing when nothing was projected for its nodes.
std::optional<double> Projected(const Compute& compute) {
  if (compute.projected_flops <= 0) return std::nullopt;
  return compute.projected_pflops();
}

const Compute* FindCompute(const Study& study, const std::string& model, const std::string& intermediate) {
  auto it = study.intermediate_compute.find({model, intermediate});
  return it == study.intermediate_compute.end() ? nullptr : &it->second;
}

bool HasAnyScore(const Study& study, const std::string& model, const std::string& intermediate) {
  for (const std::string& target : study.targets) {
    if (study.Find(model, intermediate, target) != nullptr) return true;
  }
  return false;
}

std::optional<ModelGroup> GroupOf(const Study& study, const std::string& model) {
  auto it = study.groups.find(model);
  if (it == study.groups.end()) return std::nullopt;
  return it->second;
}

// Per model: the intermediate task with the largest average gain among those whose interval
// excludes 0. Empty when the model has no gain with an interval (one seed per result).
std::string BestIntermediateText(const Study& study, const std::string& model) {
  std::optional<GainStats> best;
  std::string best_name;
  int most_pairs = 0;
  for (const std::string& intermediate : study.intermediates) {
    std::optional<GainStats> gain = study.AverageGainStats(model, intermediate);
    if (!gain) continue;
    most_pairs = std::max(most_pairs, gain->pairs);
    if (gain->Separated() && (!best || gain->mean > best->mean)) {  // ties keep the earlier one
      best = gain;
      best_name = intermediate;
    }
  }
  if (most_pairs < 2) return "";
  if (!best) return fmt::format("{}: none ({} seeds)", model, most_pairs);
  const std::string interval = fmt::format("95% interval {}, {} seeds", IntervalText(best), best->pairs);
  if (best->mean <= 0) {
    return fmt::format("{}: none helps; {} loses {} points ({})", model, best_name,
                       FormatFixed(-best->mean, kScoreDecimals), interval);
  }
  return fmt::format("{}: {} ({} points, {})", model, best_name, FormatSigned(best->mean, kScoreDecimals), interval);
}

// Fills the columns `first`.. of `table` from `values` (one row of doubles per table row), each
// column in one format (FormatQuantityColumn); `signed_columns` of them with a sign.
void FillQuantityColumns(ReportTable& table, size_t first, const std::vector<std::vector<std::optional<double>>>& values,
                         const std::vector<bool>& signed_columns) {
  for (size_t c = 0; c < signed_columns.size(); ++c) {
    std::vector<std::optional<double>> column;
    for (const auto& row : values) column.push_back(row[c]);
    const std::vector<std::string> texts = FormatQuantityColumn(column, signed_columns[c]);
    for (size_t r = 0; r < table.rows.size(); ++r) table.rows[r][first + c] = texts[r];
  }
}

}  // namespace

const char kSummaryNote[] =
    "Zero-shot scores averaged over languages (percent), each the mean over its seeds; Δ avg is the mean gain "
    "over the baseline with the same seed, on the targets both rows have, with its 95% interval over the seeds "
    "(* = the interval excludes 0).";
const char kTargetNote[] =
    "Score per language (mean over seeds), with the gain over the same model's baseline in parentheses "
    "(* = its 95% interval excludes 0).";
const char kEfficiencyNote[] =
    "Compute of the intermediate training alone (PFLOP as recorded, and as projected before the run by "
    "`xstilts estimate`); points are Δ avg per unit of that compute.";
const char kComputeNote[] =
    "Everything behind the results, and the part that the run which finished them took from the cache (built by "
    "an earlier run).";
const char kScatterCaption[] =
    "Average gain (mean over seeds) against the compute of one intermediate training; a ringed point is on the "
    "Pareto front of all models together: no other point is at least as cheap and at least as good, and better "
    "in one. The dashed staircase joins the front.";
const char kHeatMapNote[] =
    "Per model, the gain over its baseline averaged over the intermediate tasks, for each language and target "
    "task; every map uses one colour scale, symmetric around 0.";
const char kDefaultTitle[] = "Intermediate-task transfer study";

std::string IntermediateLabel(const std::string& intermediate) {
  return intermediate.empty() ? "none (baseline)" : intermediate;
}

std::vector<std::pair<std::string, std::string>> ReportRows(const Study& study) {
  std::vector<std::pair<std::string, std::string>> rows;
  for (const std::string& model : study.models) {
    rows.emplace_back(model, "");
    for (const std::string& intermediate : study.intermediates) {
      if (HasAnyScore(study, model, intermediate) || FindCompute(study, model, intermediate) != nullptr) {
        rows.emplace_back(model, intermediate);
      }
    }
  }
  return rows;
}

std::string TargetMetric(const Study& study, const std::string& target) {
  std::vector<std::string> names;
  for (const auto& [model, intermediate] : ReportRows(study)) {
    const ScoreRow* row = study.Find(model, intermediate, target);
    if (row != nullptr && std::find(names.begin(), names.end(), row->metric) == names.end()) {
      names.push_back(row->metric);
    }
  }
  return fmt::format("{}", fmt::join(names, "/"));
}

std::string TargetHeading(const Study& study, const std::string& target) {
  std::vector<std::string> parts;
  const std::string metric = TargetMetric(study, target);
  if (!metric.empty()) parts.push_back(metric);
  if (auto chance = study.chance.find(target); chance != study.chance.end()) {
    parts.push_back("chance " + FormatFixed(chance->second, kScoreDecimals));
  }
  if (parts.empty()) return target;
  return fmt::format("{} ({})", target, fmt::join(parts, ", "));
}

std::vector<std::string> TargetLanguages(const Study& study, const std::string& target) {
  std::vector<std::string> languages;
  for (const std::string& language : study.languages) {
    for (const auto& [cell, row] : study.scores) {
      if (cell.target == target && row.by_language.count(language) != 0) {
        languages.push_back(language);
        break;
      }
    }
  }
  return languages;
}

std::string SummaryParagraph(const Study& study) {
  int multilingual = 0;
  for (const std::string& model : study.models) {
    if (GroupOf(study, model) == ModelGroup::kMultilingual) ++multilingual;
  }
  std::string text = fmt::format(
      "The study compares {} models ({} multilingual, {} monolingual) with {} English intermediate tasks "
      "on {} target tasks in {} languages.",
      study.models.size(), multilingual, study.models.size() - multilingual, study.intermediates.size(),
      study.targets.size(), study.languages.size());
  std::vector<std::string> best;
  for (const std::string& model : study.models) {
    const std::string text_of_model = BestIntermediateText(study, model);
    if (!text_of_model.empty()) best.push_back(text_of_model);
  }
  if (!best.empty()) {
    text += fmt::format(" Best intermediate task by average gain, among gains whose 95% interval excludes 0: {}.",
                        fmt::join(best, "; "));
  } else if (!study.intermediates.empty()) {
    text += " With one seed per result no gain can be told from seed noise: replicate the trainings over seeds "
            "for intervals.";
  }
  Compute intermediate_total;
  for (const auto& [key, compute] : study.intermediate_compute) intermediate_total.Add(compute);
  text += fmt::format(" Intermediate training cost {} PFLOP, {} CPU-hours and {} GPU-hours in total.",
                      FormatQuantity(intermediate_total.pflops()), FormatQuantity(intermediate_total.cpu_hours()),
                      FormatQuantity(intermediate_total.gpu_hours()));
  text += fmt::format(
      " The results rest on {} nodes ({} PFLOP, {} CPU-hours); this run reused {} of them from the cache "
      "({} PFLOP, {} CPU-hours).",
      study.total.nodes, FormatQuantity(study.total.pflops()), FormatQuantity(study.total.cpu_hours()),
      study.reused.nodes, FormatQuantity(study.reused.pflops()), FormatQuantity(study.reused.cpu_hours()));
  return text;
}

ReportTable SummaryTable(const Study& study) {
  ReportTable table;
  table.header = {"model", "intermediate", "seeds"};
  for (const std::string& target : study.targets) {
    const std::string metric = TargetMetric(study, target);
    table.header.push_back(metric.empty() ? target : fmt::format("{} ({})", target, metric));
  }
  table.header.push_back("avg");
  table.header.push_back("Δ avg");
  table.header.push_back("95% interval");
  table.numeric.assign(table.header.size(), true);
  table.numeric[0] = table.numeric[1] = false;
  for (const auto& [model, intermediate] : ReportRows(study)) {
    std::vector<std::string> row = {model, IntermediateLabel(intermediate), SeedsText(study, model, intermediate)};
    for (const std::string& target : study.targets) {
      const ScoreRow* score = study.Find(model, intermediate, target);
      row.push_back(score ? ScoreText(score->average) : kMissing);
    }
    row.push_back(ScoreText(study.AverageScore(model, intermediate)));
    const std::optional<GainStats> gain =
        intermediate.empty() ? std::nullopt : study.AverageGainStats(model, intermediate);
    row.push_back(GainText(gain));
    row.push_back(IntervalText(gain));
    table.rows.push_back(std::move(row));
  }
  return table;
}

ReportTable TargetTable(const Study& study, const std::string& target) {
  ReportTable table;
  const std::vector<std::string> languages = TargetLanguages(study, target);
  table.header = {"model", "intermediate"};
  table.header.insert(table.header.end(), languages.begin(), languages.end());
  table.header.push_back("avg");
  table.numeric.assign(table.header.size(), true);
  table.numeric[0] = table.numeric[1] = false;
  for (const auto& [model_name, intermediate_name] : ReportRows(study)) {
    // Named copies: a lambda may not capture structured bindings before C++20 (clang refuses).
    const std::string& model = model_name;
    const std::string& intermediate = intermediate_name;
    std::vector<std::string> row = {model, IntermediateLabel(intermediate)};
    const ScoreRow* score = study.Find(model, intermediate, target);
    auto cell = [&](std::optional<double> value, const std::string& language) {
      if (!value) return std::string(kMissing);
      if (intermediate.empty()) return ScoreText(value);
      return fmt::format("{} ({})", ScoreText(value),
                         GainText(study.PairedGain(model, intermediate, target, language)));
    };
    for (const std::string& language : languages) {
      std::optional<double> value;
      if (score != nullptr) {
        auto it = score->by_language.find(language);
        if (it != score->by_language.end()) value = it->second;
      }
      row.push_back(cell(value, language));
    }
    row.push_back(cell(score ? std::optional<double>(score->average) : std::nullopt, ""));
    table.rows.push_back(std::move(row));
  }
  return table;
}

ReportTable EfficiencyTable(const Study& study, ModelGroup group) {
  ReportTable table;
  table.header = {"model", "intermediate", "PFLOP", "projected", "CPU-h", "GPU-h", "wall", "Δ avg",
                  "pts/PFLOP", "pts/CPU-h", "pts/GPU-h"};
  table.numeric.assign(table.header.size(), true);
  table.numeric[0] = table.numeric[1] = false;
  std::vector<std::vector<std::optional<double>>> amounts;  // PFLOP, projected PFLOP, CPU-h, GPU-h
  std::vector<std::vector<std::optional<double>>> rates;    // per PFLOP, CPU-h, GPU-h
  for (const auto& [model, intermediate] : ReportRows(study)) {
    if (intermediate.empty() || GroupOf(study, model) != group) continue;
    const Compute* compute = FindCompute(study, model, intermediate);
    const std::optional<GainStats> gain = study.AverageGainStats(model, intermediate);
    auto rate = [&](double denominator) -> std::optional<double> {
      if (!gain || compute == nullptr || denominator <= 0) return std::nullopt;
      return gain->mean / denominator;
    };
    std::vector<std::string> row = {model, intermediate, "", "", "", "", kMissing, GainText(gain), "", "", ""};
    if (compute != nullptr) {
      amounts.push_back({compute->pflops(), Projected(*compute), compute->cpu_hours(), compute->gpu_hours()});
      row[6] = FormatHoursMinutesSeconds(compute->wall_seconds);
      rates.push_back({rate(compute->pflops()), rate(compute->cpu_hours()), rate(compute->gpu_hours())});
    } else {
      amounts.push_back({std::nullopt, std::nullopt, std::nullopt, std::nullopt});
      rates.push_back({std::nullopt, std::nullopt, std::nullopt});
    }
    table.rows.push_back(std::move(row));
  }
  FillQuantityColumns(table, 2, amounts, {false, false, false, false});
  FillQuantityColumns(table, 8, rates, {true, true, true});
  return table;
}

ReportTable ComputeTable(const Study& study) {
  ReportTable table;
  table.header = {"", "PFLOP", "projected", "tokens", "CPU-h", "GPU-h", "wall", "nodes"};
  table.numeric.assign(table.header.size(), true);
  table.numeric[0] = false;
  std::vector<std::vector<std::optional<double>>> amounts;
  for (const auto& [name, compute] : {std::pair<const char*, const Compute*>{"total", &study.total},
                                      std::pair<const char*, const Compute*>{"reused", &study.reused}}) {
    table.rows.push_back({name, "", "", "", "", "", FormatHoursMinutesSeconds(compute->wall_seconds),
                          fmt::format("{}", compute->nodes)});
    amounts.push_back(
        {compute->pflops(), Projected(*compute), compute->tokens, compute->cpu_hours(), compute->gpu_hours()});
  }
  FillQuantityColumns(table, 1, amounts, {false, false, false, false, false});
  return table;
}

}  // namespace xstilts
