#include "cli/run_progress.h"

#include <algorithm>

#include "engine/run_observer.h"

namespace xstilts {

RunProgress::RunProgress(std::map<std::string, std::string> types, int slots)
    : types_(std::move(types)), slots_(std::max(1, slots)) {}

void RunProgress::Finished(const std::string& node, NodeOutcome outcome, double seconds) {
  auto it = types_.find(node);
  if (it == types_.end() || finished_.count(node)) return;
  finished_[node] = it->second;
  ++done_;
  if (outcome == NodeOutcome::kFailed) ++failed_;
  if (outcome == NodeOutcome::kRan) {
    auto& [total, count] = by_type_[it->second];
    total += seconds;
    ++count;
  }
}

std::string RunProgress::Line(const std::map<std::string, Running>& running) const {
  auto mean_of = [&](const std::string& node) -> double {
    auto type = types_.find(node);
    if (type == types_.end()) return -1;
    auto it = by_type_.find(type->second);
    return it == by_type_.end() ? -1 : it->second.first / it->second.second;
  };
  double work = 0, longest = 0;
  size_t unknown = 0;
  for (const auto& [node, r] : running) {
    double left = -1;
    if (r.fraction > 0.01) left = r.elapsed * (1 - r.fraction) / r.fraction;
    else if (double mean = mean_of(node); mean >= 0) left = std::max(0.0, mean - r.elapsed);
    if (left < 0) {
      ++unknown;
      continue;
    }
    work += left;
    longest = std::max(longest, left);
  }
  for (const auto& [node, type] : types_) {
    if (finished_.count(node) || running.count(node)) continue;
    const double mean = mean_of(node);
    if (mean < 0) ++unknown;
    else work += mean;
  }
  std::string line = "run: " + std::to_string(done_) + "/" + std::to_string(types_.size()) + " done, " +
                     std::to_string(running.size()) + " running";
  if (failed_) line += ", " + std::to_string(failed_) + " failed";
  const size_t left_nodes = types_.size() - done_;
  if (left_nodes == 0) return line;
  if (unknown == left_nodes) return line + ", ETA unknown until a node of each type has run";
  line += ", ETA " + FormatDuration(std::max(longest, work / slots_));
  if (unknown) line += " (+" + std::to_string(unknown) + " node" + (unknown == 1 ? "" : "s") + " not yet estimated)";
  return line;
}

}  // namespace xstilts
