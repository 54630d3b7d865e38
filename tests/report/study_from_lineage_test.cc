// BuildStudy on a hand-made lineage: results are placed by their model chains, and the compute of
// an intermediate task is what its own nodes recorded.
#include "report/study_from_lineage.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "base/input_error.h"
#include "data/metrics_table.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

class StudyFromLineage : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("xstilts_study_" + std::to_string(::getpid()));
    fs::remove_all(dir_);
    // init -> mlm -> inter_a (tasks [nli], reads tok_a) -> target_a; mlm -> target_none.
    Add("init", "init_model", {}, 0, 10);
    Add("mlm", "pretrain_mlm", {{"model", {"init"}}}, 5e15, 7200);
    Add("tok_a", "tokenize", {}, 0, 360);
    Add("inter_a", "train", {{"model", {"mlm"}}, {"train", {"tok_a"}}}, 1e15, 3600, {{"tasks", {"nli"}}});
    Add("target_none", "train", {{"model", {"mlm"}}}, 2e14, 100, {{"tasks", {"xnli"}}});
    Add("target_a", "train", {{"model", {"inter_a"}}}, 2e14, 100, {{"tasks", {"xnli"}}});
    Add("eval_none", "evaluate", {{"model", {"target_none"}}}, 1e12, 5);
    Add("eval_a", "evaluate", {{"model", {"target_a"}}}, 1e12, 5);
    Add("tatoeba_none", "retrieve", {{"model", {"mlm"}}}, 1e12, 5);
    Add("tatoeba_a", "retrieve", {{"model", {"inter_a"}}}, 1e12, 5);
    Metrics("eval_none", "xnli", {{"de", 60}, {"zh", 50}});
    Metrics("eval_a", "xnli", {{"de", 64}, {"zh", 49}});
    Metrics("tatoeba_none", "tatoeba", {{"de", 30}});
    Metrics("tatoeba_a", "tatoeba", {{"de", 33}});
    input_.results = {"eval_none", "eval_a", "tatoeba_none", "tatoeba_a"};
  }
  void TearDown() override { fs::remove_all(dir_); }

  void Add(const std::string& name, const std::string& type, std::map<std::string, std::vector<std::string>> inputs,
           double flops, double cpu_seconds, nlohmann::json params = nlohmann::json::object()) {
    LineageNode n;
    n.name = name;
    n.type = type;
    n.key = "key-" + name;
    n.params = std::move(params);
    n.inputs = std::move(inputs);
    n.entry_dir = dir_ / name;
    n.record = {{"seconds", cpu_seconds / 2}, {"cpu_seconds", cpu_seconds}, {"cost", {{"flops", flops}}}};
    n.reused = name == "init" || name == "mlm";
    fs::create_directories(n.entry_dir);
    input_.lineage.push_back(std::move(n));
  }
  void Metrics(const std::string& node, const std::string& task, std::vector<std::pair<std::string, double>> rows) {
    MetricsTable table;
    table.task = task;
    table.metric_names = {"accuracy"};
    for (const auto& [language, score] : rows) table.AddRow(language, {score});
    WriteMetricsArtifact(table, dir_ / node / "metrics.h5");
  }

  fs::path dir_;
  StudyInput input_;
};

TEST_F(StudyFromLineage, PlacesEvaluationsAndRetrievalsByTheirModelChains) {
  const Study study = BuildStudy(input_, {});
  EXPECT_EQ(study.models, (std::vector<std::string>{"mlm"}));
  EXPECT_EQ(study.intermediates, (std::vector<std::string>{"nli"}));
  EXPECT_EQ(study.targets, (std::vector<std::string>{"xnli", "tatoeba"}));
  EXPECT_EQ(study.languages, (std::vector<std::string>{"de", "zh"}));
  ASSERT_NE(study.Find("mlm", "", "xnli"), nullptr);
  EXPECT_DOUBLE_EQ(study.Find("mlm", "", "xnli")->average, 55.0);
  EXPECT_DOUBLE_EQ(*study.Gain("mlm", "nli", "xnli", "de"), 4.0);
  EXPECT_DOUBLE_EQ(*study.Gain("mlm", "nli", "xnli"), 1.5);     // 56.5 - 55
  EXPECT_DOUBLE_EQ(*study.Gain("mlm", "nli", "tatoeba"), 3.0);  // retrieval from the intermediate checkpoint
  EXPECT_EQ(study.groups.at("mlm"), ModelGroup::kMultilingual);
}

TEST_F(StudyFromLineage, IntermediateComputeIsItsOwnNodesAndTotalsSplitReused) {
  const Study study = BuildStudy(input_, {});
  const Compute& own = study.intermediate_compute.at({"mlm", "nli"});
  EXPECT_DOUBLE_EQ(own.flops, 1e15);            // inter_a; not mlm, init or the target training
  EXPECT_DOUBLE_EQ(own.cpu_seconds, 3960);      // inter_a + tok_a
  EXPECT_EQ(own.nodes, 2);
  EXPECT_EQ(study.total.nodes, 10);
  EXPECT_DOUBLE_EQ(study.total.flops, 5e15 + 1e15 + 2 * 2e14 + 4 * 1e12);
  EXPECT_EQ(study.reused.nodes, 2);             // init and mlm came from the cache
  EXPECT_DOUBLE_EQ(study.reused.flops, 5e15);
}

TEST_F(StudyFromLineage, MonolingualNamesAModelAndAnUnknownNameIsAnError) {
  StudyOptions options;
  options.monolingual = {"mlm"};
  EXPECT_EQ(BuildStudy(input_, options).groups.at("mlm"), ModelGroup::kMonolingual);
  options.monolingual = {"roberta"};
  try {
    BuildStudy(input_, options);
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "report: 'monolingual' names 'roberta', which is not a model of the study (models: mlm)");
  }
}

TEST_F(StudyFromLineage, AResultWithoutAModelInputIsAnError) {
  input_.lineage.push_back(input_.lineage.back());
  input_.lineage.back().name = "orphan";
  input_.lineage.back().inputs.clear();
  input_.results.push_back("orphan");
  try {
    BuildStudy(input_, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_STREQ(e.what(), "report: result 'orphan' has no model input, so it has no place in the study");
  }
}

}  // namespace
}  // namespace xstilts
