// submission: XTREME's test-set submission from the best model per target task, chosen on dev
// (the paper's leaderboard entry: for each target task, the intermediate task whose model scored
// best on the dev sets).
#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "data/file_bundle.h"
#include "data/h5_file.h"
#include "data/metrics_table.h"
#include "eval/submission_files.h"
#include "graph/registry.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// Which model an evaluation artifact evaluated: the node behind its `model` input, found in the
// lineage by the entry that holds the artifact.
class EvaluatedModels {
 public:
  explicit EvaluatedModels(std::vector<LineageNode> lineage) : lineage_(std::move(lineage)) {
    for (const LineageNode& n : lineage_) {
      by_entry_[n.entry_dir] = &n;
      by_name_[n.name] = &n;
    }
  }
  const LineageNode& Evaluator(const fs::path& artifact) const {
    auto it = by_entry_.find(artifact.parent_path());
    if (it == by_entry_.end()) throw std::runtime_error("submission: no upstream node holds " + artifact.string());
    return *it->second;
  }
  // The model input of the evaluation node that made `artifact`.
  std::string Model(const fs::path& artifact) const {
    const LineageNode& evaluator = Evaluator(artifact);
    auto model = evaluator.inputs.find("model");
    if (model == evaluator.inputs.end() || model->second.size() != 1) {
      throw InputError("submission: " + evaluator.name + " is not an evaluate node (it has no model input)");
    }
    return model->second.front();
  }
  // The node a model was trained from (its own `model` input), or "" for a root model.
  std::string StartedFrom(const std::string& model) const {
    auto node = by_name_.find(model);
    if (node == by_name_.end()) return "";
    auto input = node->second->inputs.find("model");
    return input == node->second->inputs.end() || input->second.empty() ? "" : input->second.front();
  }

 private:
  std::vector<LineageNode> lineage_;  // by_entry_ and by_name_ point into it
  std::map<fs::path, const LineageNode*> by_entry_;
  std::map<std::string, const LineageNode*> by_name_;
};

TaskPredictions ReadPredictions(const fs::path& path) {
  H5File file(path, H5File::Mode::kReadOnly);
  if (!file.HasAttribute("/", "kind") || file.GetStringAttribute("/", "kind") != "predictions") {
    throw InputError(path.string(), 0, "not a predictions artifact");
  }
  TaskPredictions p;
  p.task = file.GetStringAttribute("/", "task");
  p.example_id = file.ReadStrings("/example_id");
  p.language = file.ReadStrings("/language");
  p.prediction = file.ReadStrings("/prediction");
  return p;
}

struct Candidate {
  std::string model;          // the evaluated (target-trained) model node
  fs::path test;              // its test predictions
  double dev_score = NAN;     // its dev average of the task's first metric
};

void RunSubmission(NodeContext& ctx) {
  const EvaluatedModels models(ctx.lineage());
  // Dev scores by (task, model).
  std::map<std::pair<std::string, std::string>, double> dev;
  std::map<std::string, std::string> metric_of;  // task -> the metric compared
  for (const fs::path& path : ctx.inputs("dev")) {
    const MetricsTable table = ReadMetricsArtifact(path);
    const std::vector<double> mean = table.Average();
    const std::string evaluator = models.Evaluator(path).name;
    if (mean.empty() || !std::isfinite(mean.front())) {
      throw InputError("submission: " + evaluator + " scored no labelled dev set; dev inputs must have gold labels");
    }
    dev[{table.task, models.Model(path)}] = mean.front();
    metric_of[table.task] = table.metric_names.front();
  }
  std::map<std::string, std::vector<Candidate>> by_task;  // in input order
  for (const fs::path& path : ctx.inputs("test")) {
    H5File file(path, H5File::Mode::kReadOnly);
    const std::string task = file.GetStringAttribute("/", "task");
    const std::string model = models.Model(path);
    auto score = dev.find({task, model});
    if (score == dev.end()) {
      throw InputError(fmt::format("submission: the test predictions of {} (model {}, task {}) have no dev metrics of the "
                                   "same model among the dev inputs",
                                   models.Evaluator(path).name, model, task));
    }
    by_task[task].push_back({model, path, score->second});
  }
  if (by_task.empty()) throw InputError("submission: no test predictions");

  const fs::path dir = ctx.scratch_dir() / "submission";
  nlohmann::json chosen = nlohmann::json::object();
  for (const auto& [task, candidates] : by_task) {
    const Candidate* best = &candidates.front();
    for (const Candidate& c : candidates) {
      if (c.dev_score > best->dev_score) best = &c;  // ties: the first given
    }
    const std::vector<fs::path> files = WriteSubmissionTask(ReadPredictions(best->test), dir);
    nlohmann::json scores = nlohmann::json::object();
    for (const Candidate& c : candidates) scores[c.model] = c.dev_score;
    chosen[task] = {{"model", best->model},
                    {"started_from", models.StartedFrom(best->model)},
                    {"metric", metric_of[task]},
                    {"dev_score", best->dev_score},
                    {"candidates", scores},
                    {"languages", files.size()}};
    ctx.Log(fmt::format("{}: {} (from {}), dev {} {:.2f}, best of {}; {} languages", task, best->model,
                        models.StartedFrom(best->model), metric_of[task], best->dev_score, candidates.size(), files.size()));
  }
  std::ofstream(dir / "selection.json") << chosen.dump(2) << "\n";
  PackFiles(dir, ctx.output("submission"));
}

NodeType MakeSubmissionNodeType() {
  NodeType t;
  t.name = "submission";
  t.summary = "XTREME's test-set submission: for each target task, the test predictions of the model that scored "
              "best on dev (the average over the dev languages of the task's first metric), written in XTREME's "
              "layout (<task>/test-<lang>.tsv or .json, what `xstilts score` and the leaderboard read), with "
              "selection.json saying which model each task took and every candidate's dev score.";
  t.example = R"(submission:
  type: submission
  inputs: {dev: ["eval_xnli_xlmr_*", "eval_udpos_xlmr_*"], test: ["test_xnli_xlmr_*", "test_udpos_xlmr_*"]})";
  t.version = 1;
  t.inputs = {PortSpec{"dev", "metrics", "the candidates' dev metrics (evaluate nodes), one per model and task", false, true},
              PortSpec{"test", "predictions",
                       "the same models' test-set predictions (evaluate nodes on the test sets, which may be unlabelled), "
                       "matched to the dev metrics by the model they evaluated",
                       false, true}};
  t.outputs = {PortSpec{"submission", "files",
                        "<task>/test-<lang>.<tsv|json> for each task, and selection.json (`xstilts export P NODE DIR` "
                        "writes them as files)"}};
  t.resources.threads = 1;
  t.reads_lineage = true;
  t.run = RunSubmission;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeSubmissionNodeType);

}  // namespace xstilts
