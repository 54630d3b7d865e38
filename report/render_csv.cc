#include "report/render_csv.h"

#include <fmt/format.h>

#include <optional>
#include <string>
#include <vector>

#include "report/formatting.h"

namespace xstilts {
namespace {

constexpr int kScoreDecimals = 4;

std::string Number(std::optional<double> value) { return value ? FormatFixed(*value, kScoreDecimals) : ""; }

std::string ComputeNumber(double value) { return fmt::format("{:.6g}", value); }

void AppendRow(const std::vector<std::string>& fields, std::string& out) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i > 0) out += ',';
    out += QuoteCsvField(fields[i]);
  }
  out += "\r\n";
}

}  // namespace

std::string RenderCsv(const Study& study) {
  std::string out;
  AppendRow({"model", "group", "intermediate", "target", "metric", "language", "score", "score_sd", "n_seeds",
             "baseline", "gain", "gain_ci_low", "gain_ci_high", "intermediate_pflops", "intermediate_cpu_hours",
             "intermediate_gpu_hours"},
            out);
  for (const std::string& model : study.models) {
    auto group = study.groups.find(model);
    const std::string group_name = group == study.groups.end() ? "" : ModelGroupName(group->second);
    std::vector<std::string> intermediates = {""};
    intermediates.insert(intermediates.end(), study.intermediates.begin(), study.intermediates.end());
    for (const std::string& intermediate : intermediates) {
      auto compute = study.intermediate_compute.find({model, intermediate});
      const bool has_compute = compute != study.intermediate_compute.end();
      const std::string pflops = has_compute ? ComputeNumber(compute->second.pflops()) : "";
      const std::string cpu_hours = has_compute ? ComputeNumber(compute->second.cpu_hours()) : "";
      const std::string gpu_hours = has_compute ? ComputeNumber(compute->second.gpu_hours()) : "";
      for (const std::string& target : study.targets) {
        const ScoreRow* row = study.Find(model, intermediate, target);
        if (row == nullptr) continue;
        const ScoreRow* baseline = study.Find(model, "", target);
        auto append = [&](const std::string& language, double score, const std::string& gain_language) {
          std::optional<double> base;
          if (baseline != nullptr) {
            if (gain_language.empty()) {
              base = baseline->average;
            } else if (auto it = baseline->by_language.find(language); it != baseline->by_language.end()) {
              base = it->second;
            }
          }
          const std::optional<GainStats> gain = study.PairedGain(model, intermediate, target, gain_language);
          AppendRow({model, group_name, intermediate.empty() ? "none" : intermediate, target, row->metric, language,
                     Number(score), Number(row->Sd(gain_language)), std::to_string(row->seeds()), Number(base),
                     Number(gain ? std::optional<double>(gain->mean) : std::nullopt),
                     Number(gain ? gain->low : std::nullopt), Number(gain ? gain->high : std::nullopt), pflops,
                     cpu_hours, gpu_hours},
                    out);
        };
        for (const std::string& language : study.languages) {
          auto it = row->by_language.find(language);
          if (it != row->by_language.end()) append(language, it->second, language);
        }
        append("avg", row->average, "");
      }
    }
  }
  return out;
}

}  // namespace xstilts
