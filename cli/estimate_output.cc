#include "cli/estimate_output.h"

#include <fmt/format.h>

#include <cstdio>

#include "cli/wrap_text.h"
#include "nodes/estimate/gpu_hours.h"
#include "report/formatting.h"

namespace xstilts {
namespace {

std::string Pflop(double flops) { return FormatQuantity(flops / 1e15); }

std::string GpuHoursText(const EstimateReport& r, double flops) {
  if (!r.gpu) return "";
  return FormatQuantity(GpuHours(flops, r.gpu->tflops, r.gpu->mfu));
}

std::string SourceText(const NodeEstimate& e) {
  return std::string(EstimateSourceName(e.source)) + (e.upper_bound ? ", upper bound" : "");
}

void PrintNodes(const EstimateReport& r) {
  std::printf("%-36s %-13s %10s %10s  %s\n", "node", "type", "tokens", "PFLOP", "source");
  for (const NodeEstimate& e : r.nodes) {
    if (e.flops <= 0) continue;
    std::printf("%-36s %-13s %10s %10s  %s\n", e.name.c_str(), e.type.c_str(), FormatQuantity(e.tokens).c_str(),
                Pflop(e.flops).c_str(), SourceText(e).c_str());
  }
}

void PrintGroups(const EstimateReport& r) {
  const CostBreakdown& b = r.breakdown;
  if (b.models.empty()) return;
  const std::string unit = r.gpu ? "  GPU-hours" : "";
  std::printf("\nper model%s\n", unit.empty() ? "" : " (PFLOP, GPU-hours)");
  for (const std::string& model : b.models) {
    const double flops = b.model_flops.at(model);
    std::printf("  %-24s %-13s %10s PFLOP  %s\n", model.c_str(), b.monolingual.at(model) ? "monolingual" : "multilingual",
                Pflop(flops).c_str(), GpuHoursText(r, flops).c_str());
  }
  std::printf("\nper model and intermediate task (intermediate training; target training and evaluation from it)\n");
  for (const std::string& model : b.models) {
    for (const auto& [cell, cost] : b.cells) {
      if (cell.first != model) continue;
      const std::string label = cell.second.empty() ? "(baseline: none)" : cell.second;
      std::printf("  %-24s %-28s %10s + %10s PFLOP  %s\n", model.c_str(), label.c_str(),
                  Pflop(cost.intermediate_flops).c_str(), Pflop(cost.downstream_flops).c_str(),
                  GpuHoursText(r, cost.intermediate_flops + cost.downstream_flops).c_str());
    }
  }
}

std::vector<std::string> NamesWith(const EstimateReport& r, bool (*pick)(const NodeEstimate&)) {
  std::vector<std::string> names;
  for (const NodeEstimate& e : r.nodes) {
    if (pick(e)) names.push_back(e.name);
  }
  return names;
}

bool RestsOnDeclarations(const NodeEstimate& e) {
  return e.source == EstimateSource::kDeclared || e.source == EstimateSource::kAssumed;
}
bool IsUnknown(const NodeEstimate& e) { return e.source == EstimateSource::kUnknown; }

std::string JoinNames(const std::vector<std::string>& names) {
  std::string text;
  for (const std::string& n : names) text += (text.empty() ? "" : ", ") + n;
  return text;
}

}  // namespace

void PrintEstimate(const EstimateReport& r) {
  PrintNodes(r);
  PrintGroups(r);
  std::string total = "\ntotal " + Pflop(r.breakdown.total_flops) + " PFLOP";
  if (r.gpu) {
    total += fmt::format(", {} GPU-hours on {} ({} TFLOPS peak, MFU {})", GpuHoursText(r, r.breakdown.total_flops),
                         r.gpu->name.empty() ? "the given GPU" : r.gpu->name, FormatQuantity(r.gpu->tflops),
                         FormatQuantity(r.gpu->mfu));
  }
  std::printf("%s\n", total.c_str());
  const std::vector<std::string> declared = NamesWith(r, RestsOnDeclarations);
  if (!declared.empty()) {
    std::printf("\n%zu nodes are estimated from declarations and assumed example lengths, not measured data:\n%s\n",
                declared.size(), WrapLines("  " + JoinNames(declared), TerminalWidth(stdout), 0).c_str());
  }
  const std::vector<std::string> unknown = NamesWith(r, IsUnknown);
  if (!unknown.empty()) {
    std::printf("\n%zu nodes are not estimated (0 FLOPs): a size they need is neither in the cache nor declared "
                "(--json gives each node's note):\n%s\n",
                unknown.size(), WrapLines("  " + JoinNames(unknown), TerminalWidth(stdout), 0).c_str());
  }
}

nlohmann::json EstimateJson(const EstimateReport& r) {
  nlohmann::json nodes = nlohmann::json::array();
  for (const NodeEstimate& e : r.nodes) {
    nlohmann::json n = {{"name", e.name},       {"type", e.type},         {"flops", e.flops},
                        {"tokens", e.tokens},   {"parameters", e.parameters}, {"sequence_length", e.sequence_length},
                        {"steps", e.steps},     {"training", e.training}, {"source", EstimateSourceName(e.source)},
                        {"upper_bound", e.upper_bound}, {"note", e.note}};
    auto recorded = r.recorded_flops.find(e.name);
    n["recorded_flops"] = recorded == r.recorded_flops.end() ? nlohmann::json() : nlohmann::json(recorded->second);
    if (r.gpu) n["gpu_hours"] = GpuHours(e.flops, r.gpu->tflops, r.gpu->mfu);
    nodes.push_back(std::move(n));
  }
  nlohmann::json models = nlohmann::json::array(), cells = nlohmann::json::array();
  for (const std::string& model : r.breakdown.models) {
    models.push_back({{"name", model},
                      {"group", r.breakdown.monolingual.at(model) ? "monolingual" : "multilingual"},
                      {"flops", r.breakdown.model_flops.at(model)}});
  }
  for (const auto& [cell, cost] : r.breakdown.cells) {
    cells.push_back({{"model", cell.first},
                     {"intermediate", cell.second},
                     {"intermediate_flops", cost.intermediate_flops},
                     {"downstream_flops", cost.downstream_flops}});
  }
  nlohmann::json out = {{"nodes", nodes},
                        {"total_flops", r.breakdown.total_flops},
                        {"models", models},
                        {"cells", cells},
                        {"declared_nodes", NamesWith(r, RestsOnDeclarations)},
                        {"unknown_nodes", NamesWith(r, IsUnknown)}};
  if (r.gpu) {
    out["gpu"] = {{"name", r.gpu->name}, {"tflops", r.gpu->tflops}, {"mfu", r.gpu->mfu}};
    out["total_gpu_hours"] = GpuHours(r.breakdown.total_flops, r.gpu->tflops, r.gpu->mfu);
  }
  return out;
}

}  // namespace xstilts
