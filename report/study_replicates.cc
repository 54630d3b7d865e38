#include "report/study_replicates.h"

#include <algorithm>

#include "base/input_error.h"
#include "report/replicate_stats.h"

namespace xstilts {
namespace {

std::string CellText(const StudyCell& cell) {
  return "model '" + cell.model + "', intermediate '" + (cell.intermediate.empty() ? "none" : cell.intermediate) +
         "', target '" + cell.target + "'";
}

// What separates two results of one cell, other than their seeds; "" when nothing does.
std::string Difference(const PlacedResult& a, const PlacedResult& b) {
  const auto& a_chain = a.place.chain;
  const auto& b_chain = b.place.chain;
  if (a_chain.size() != b_chain.size()) return "their chains of trainings differ in length";
  for (size_t i = 0; i < a_chain.size(); ++i) {
    const auto& [a_node, a_step] = a_chain[i];
    const auto& [b_node, b_step] = b_chain[i];
    const std::string where = "'" + a_node + "' and '" + b_node + "'";
    if (a_step["type"] != b_step["type"]) return "the types of " + where;
    for (const char* part : {"params", "inputs"}) {
      nlohmann::json keys = nlohmann::json::object();
      for (const auto& [k, v] : a_step[part].items()) keys[k] = true;
      for (const auto& [k, v] : b_step[part].items()) keys[k] = true;
      for (const auto& [key, unused] : keys.items()) {
        const nlohmann::json x = a_step[part].value(key, nlohmann::json());
        const nlohmann::json y = b_step[part].value(key, nlohmann::json());
        if (x != y) {
          return std::string(part == std::string("params") ? "param" : "input") + " '" + key + "' of " + where +
                 " (" + x.dump() + " vs " + y.dump() + ")";
        }
      }
    }
  }
  return "";
}

void Refuse(const PlacedResult& a, const PlacedResult& b, const std::string& why) {
  throw InputError("report: results '" + a.name + "' and '" + b.name + "' fall in the same cell (" +
                   CellText(a.cell) + ") " + why +
                   "; the report groups results by model, intermediate task and target and aggregates only "
                   "seeds, so it would have to drop one: give them different model or intermediate names, or "
                   "report them with separate report nodes");
}

}  // namespace

void FillScores(const std::vector<PlacedResult>& results, Study& study) {
  std::map<StudyCell, std::vector<const PlacedResult*>> by_cell;
  for (const PlacedResult& r : results) by_cell[r.cell].push_back(&r);
  for (const auto& [cell, members] : by_cell) {
    ScoreRow& row = study.scores[cell];
    row.metric = members.front()->metric;
    std::map<std::string, Replicate> replicates;
    std::map<std::pair<std::string, std::string>, const PlacedResult*> scored;  // (label, language) -> result
    for (const PlacedResult* r : members) {
      const std::string why = Difference(*members.front(), *r);
      if (!why.empty()) Refuse(*members.front(), *r, "but differ in " + why);
      if (r->metric != row.metric) Refuse(*members.front(), *r, "but score different metrics");
      const std::string& label = r->place.label;
      Replicate& replicate = replicates[label];
      replicate.seed = r->place.seed;
      replicate.label = label;
      for (const auto& [language, score] : r->by_language) {
        auto [it, fresh] = scored.emplace(std::make_pair(label, language), r);
        if (!fresh) {
          Refuse(*it->second, *r, "with the same seeds (" + label + ") and both score '" + language + "'");
        }
        replicate.by_language[language] = score;
      }
    }
    std::map<std::string, std::vector<double>> per_language;
    std::vector<double> averages;
    for (auto& [label, replicate] : replicates) {
      std::vector<double> scores;
      for (const auto& [language, score] : replicate.by_language) {
        scores.push_back(score);
        per_language[language].push_back(score);
      }
      replicate.average = Mean(scores);
      averages.push_back(replicate.average);
      row.replicates.push_back(replicate);
    }
    for (const auto& [language, scores] : per_language) row.by_language[language] = Mean(scores);
    row.average = Mean(averages);
  }
}

}  // namespace xstilts
