#include "eval/score_report.h"

#include <cstdio>
#include <nlohmann/json.hpp>

namespace xstilts {
namespace {

using OrderedJson = nlohmann::ordered_json;

// Python's '%.2f' % x: both round the exact binary value to nearest, ties to even.
std::string Fixed2(double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.2f", value);
  return buffer;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i > 0) out += ", ";
    out += items[i];
  }
  return out;
}

const TaskScores* Find(const ScoreReport& report, const std::string& task) {
  for (const TaskScores& scores : report.tasks) {
    if (scores.task->name == task) return &scores;
  }
  return nullptr;
}

}  // namespace

ScoreReport BuildScoreReport(std::vector<TaskScores> tasks, bool all_tasks,
                             std::vector<std::string> missing_tasks) {
  ScoreReport report;
  report.all_tasks = all_tasks;
  report.tasks = std::move(tasks);
  report.missing_tasks = std::move(missing_tasks);
  if (!all_tasks) return report;
  bool all_groups = true;
  double group_sum = 0;
  for (const TaskGroup& group : XtremeGroups()) {
    double sum = 0;
    bool complete = true;
    for (const std::string& task : group.tasks) {
      const TaskScores* scores = Find(report, task);
      if (scores == nullptr) {
        complete = false;
        continue;
      }
      sum += scores->avg_metric;
    }
    std::optional<double> value;
    if (complete) value = sum / static_cast<double>(group.tasks.size());
    report.groups.emplace_back(group.name, value);
    if (value) {
      group_sum += *value;
    } else {
      all_groups = false;
    }
  }
  if (report.tasks.size() == XtremeTasks().size()) {
    // evaluate.py sums over a Python set (hash order); here in task order.
    double sum = 0;
    for (const TaskScores& scores : report.tasks) sum += scores.avg_metric;
    report.all_task = sum / static_cast<double>(report.tasks.size());
  }
  if (all_groups) report.xtreme = group_sum / static_cast<double>(XtremeGroups().size());
  return report;
}

std::string FormatScoreText(const ScoreReport& report) {
  std::string out;
  for (const TaskScores& scores : report.tasks) {
    out += "====== " + scores.task->name + " ======\n\n";
    for (std::size_t m = 0; m < scores.metric_names.size(); ++m) {
      out += "------ " + scores.metric_names[m] + " ------\n";
      out += Join(scores.task->languages) + "\n";
      std::vector<std::string> values;
      for (double v : scores.values[m]) values.push_back(Fixed2(v));
      out += Join(values) + "\n\n";
    }
    for (std::size_t m = 0; m < scores.metric_names.size(); ++m) {
      out += scores.metric_names[m] + ": " + Fixed2(scores.averages[m]) + "\n";
    }
    out += "metric: " + Fixed2(scores.avg_metric) + "\n";
    if (scores.seqeval) {
      out += std::string("seqeval: ") + SeqevalVersionName(*scores.seqeval) + "\n";
    }
  }
  if (!report.all_tasks) return out;

  out += "====== xtreme ======\n\n";
  out += "------ metric ------\n";
  std::vector<std::string> names;
  std::vector<std::string> values;
  for (const TaskScores& scores : report.tasks) {
    names.push_back(scores.task->name);
    values.push_back(Fixed2(scores.avg_metric));
  }
  out += Join(names) + "\n" + Join(values) + "\n\n";
  for (const auto& [group, value] : report.groups) {
    if (value) {
      out += group + ": " + Fixed2(*value) + "\n";
      continue;
    }
    std::vector<std::string> missing;
    for (const TaskGroup& g : XtremeGroups()) {
      if (g.name != group) continue;
      for (const std::string& task : g.tasks) {
        if (Find(report, task) == nullptr) missing.push_back(task);
      }
    }
    out += group + ": missing " + Join(missing) + "\n";
  }
  const std::size_t total_tasks = XtremeTasks().size();
  if (report.all_task) {
    out += "all_task: " + Fixed2(*report.all_task) + "\n";
  } else {
    out += "all_task: missing " + std::to_string(total_tasks - report.tasks.size()) + " of " +
           std::to_string(total_tasks) + " tasks\n";
  }
  if (report.xtreme) {
    out += "xtreme: " + Fixed2(*report.xtreme) + "\n";
  } else {
    std::size_t missing_groups = 0;
    for (const auto& group : report.groups) missing_groups += group.second ? 0 : 1;
    out += "xtreme: missing " + std::to_string(missing_groups) + " of " +
           std::to_string(report.groups.size()) + " groups\n";
  }
  return out;
}

std::string FormatScoreJson(const ScoreReport& report) {
  OrderedJson root = OrderedJson::object();
  OrderedJson tasks = OrderedJson::object();
  for (const TaskScores& scores : report.tasks) {
    OrderedJson task = OrderedJson::object();
    for (std::size_t m = 0; m < scores.metric_names.size(); ++m) {
      OrderedJson per_language = OrderedJson::object();
      for (std::size_t l = 0; l < scores.task->languages.size(); ++l) {
        per_language[scores.task->languages[l]] = scores.values[m][l];
      }
      task[scores.metric_names[m]] = per_language;
    }
    for (std::size_t m = 0; m < scores.metric_names.size(); ++m) {
      task["avg_" + scores.metric_names[m]] = scores.averages[m];
    }
    task["avg_metric"] = scores.avg_metric;
    if (scores.seqeval) task["seqeval"] = SeqevalVersionName(*scores.seqeval);
    tasks[scores.task->name] = task;
  }
  root["tasks"] = tasks;
  if (report.all_tasks) {
    root["missing_tasks"] = report.missing_tasks;
    OrderedJson groups = OrderedJson::object();
    for (const auto& [group, value] : report.groups) {
      groups[group] = value ? OrderedJson(*value) : OrderedJson(nullptr);
    }
    root["groups"] = groups;
    root["all_task"] = report.all_task ? OrderedJson(*report.all_task) : OrderedJson(nullptr);
    root["xtreme"] = report.xtreme ? OrderedJson(*report.xtreme) : OrderedJson(nullptr);
  }
  return root.dump() + "\n";
}

}  // namespace xstilts
