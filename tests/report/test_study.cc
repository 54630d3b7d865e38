#include "tests/report/test_study.h"

#include <algorithm>

namespace xstilts {

ScoreRow MakeScoreRow(const std::string& metric, double en, double de, double sw) {
  ScoreRow row;
  row.metric = metric;
  row.by_language = {{"en", en}, {"de", de}, {"sw", sw}};
  row.average = (en + de + sw) / 3;
  return row;
}

Study MakeTestStudy() {
  Study study;
  study.title = "Test study";
  study.models = {"xlmr", "roberta"};
  study.groups = {{"xlmr", ModelGroup::kMultilingual}, {"roberta", ModelGroup::kMonolingual}};
  study.intermediates = {"mnli", "squad"};
  study.targets = {"xnli", "panx"};
  study.languages = {"en", "de", "sw"};
  auto add = [&study](const std::string& model, const std::string& intermediate, const std::string& target,
                      double en, double de, double sw) {
    study.scores[StudyCell{model, intermediate, target}] =
        MakeScoreRow(target == "xnli" ? "accuracy" : "f1", en, de, sw);
  };
  add("xlmr", "", "xnli", 80, 70, 60);
  add("xlmr", "", "panx", 90, 80, 70);
  add("xlmr", "mnli", "xnli", 82, 73, 61);
  add("xlmr", "mnli", "panx", 89, 79, 68);
  add("xlmr", "squad", "xnli", 81, 71, 62);
  add("xlmr", "squad", "panx", 91, 82, 70);
  add("roberta", "", "xnli", 85, 40, 35);
  add("roberta", "", "panx", 92, 50, 30);
  add("roberta", "mnli", "xnli", 87, 41, 36);
  add("roberta", "squad", "xnli", 84, 39, 35);
  add("roberta", "squad", "panx", 92, 51, 32);
  auto compute = [](double pflops, double cpu, double gpu, double wall) {
    Compute c;
    c.flops = pflops * 1e15;
    c.cpu_seconds = cpu;
    c.gpu_seconds = gpu;
    c.wall_seconds = wall;
    c.tokens = 1e6;
    c.nodes = 2;
    return c;
  };
  study.intermediate_compute[{"xlmr", "mnli"}] = compute(2, 7200, 0, 3600);
  study.intermediate_compute[{"xlmr", "squad"}] = compute(1, 3600, 1800, 1800);
  study.intermediate_compute[{"roberta", "mnli"}] = compute(0.5, 1800, 0, 900);
  study.intermediate_compute[{"roberta", "squad"}] = compute(0.25, 900, 0, 600);
  study.total = compute(10, 36000, 3600, 20000);
  study.total.tokens = 5e7;
  study.total.nodes = 20;
  study.reused = compute(4, 14400, 0, 7200);
  study.reused.tokens = 2e7;
  study.reused.nodes = 8;
  return study;
}

Study MakeReplicatedTestStudy() {
  Study study = MakeTestStudy();
  for (auto& [cell, row] : study.scores) {
    const double spread = cell.intermediate.empty() ? 1.0 : 1.5;
    const std::vector<double> offsets = {-spread, 0, spread};
    for (size_t k = 0; k < offsets.size(); ++k) {
      Replicate r;
      r.seed = std::to_string(k + 1);
      r.label = r.seed;
      for (const auto& [language, score] : row.by_language) r.by_language[language] = score + offsets[k];
      r.average = row.average + offsets[k];
      row.replicates.push_back(r);
    }
  }
  return study;
}

void RenameModel(Study& study, const std::string& from, const std::string& to) {
  std::replace(study.models.begin(), study.models.end(), from, to);
  if (auto node = study.groups.extract(from)) {
    node.key() = to;
    study.groups.insert(std::move(node));
  }
  std::map<StudyCell, ScoreRow> scores;
  for (auto& [cell, row] : study.scores) {
    scores[StudyCell{cell.model == from ? to : cell.model, cell.intermediate, cell.target}] = row;
  }
  study.scores = std::move(scores);
  std::map<std::pair<std::string, std::string>, Compute> compute;
  for (auto& [key, value] : study.intermediate_compute) {
    compute[{key.first == from ? to : key.first, key.second}] = value;
  }
  study.intermediate_compute = std::move(compute);
}

size_t CountOccurrences(const std::string& text, const std::string& needle) {
  size_t count = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + needle.size())) ++count;
  return count;
}

}  // namespace xstilts
