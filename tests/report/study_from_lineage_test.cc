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

TEST_F(StudyFromLineage, ProjectedFlopsAreSummedOverTheSameNodesAsTheRecorded) {
  input_.projected_flops = {{"inter_a", 1.1e15}, {"tok_a", 0}, {"mlm", 4e15}, {"eval_a", 2e12}};
  const Study study = BuildStudy(input_, {});
  EXPECT_DOUBLE_EQ(study.intermediate_compute.at({"mlm", "nli"}).projected_flops, 1.1e15);  // inter_a + tok_a
  EXPECT_DOUBLE_EQ(study.total.projected_flops, 1.1e15 + 4e15 + 2e12);
  EXPECT_DOUBLE_EQ(study.reused.projected_flops, 4e15);  // mlm came from the cache
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


// Seeds of the target training: eval_none and eval_a again with seed 2, as a seeds axis makes them.
TEST_F(StudyFromLineage, ResultsThatDifferOnlyInTheirSeedsAreReplicates) {
  for (const char* name : {"target_none", "target_a"}) {
    for (LineageNode& n : input_.lineage) {
      if (n.name == name) n.params["seed"] = 1;
    }
  }
  Add("target_none_s2", "train", {{"model", {"mlm"}}}, 2e14, 100, {{"tasks", {"xnli"}}, {"seed", 2}});
  Add("target_a_s2", "train", {{"model", {"inter_a"}}}, 2e14, 100, {{"tasks", {"xnli"}}, {"seed", 2}});
  Add("eval_none_s2", "evaluate", {{"model", {"target_none_s2"}}}, 1e12, 5);
  Add("eval_a_s2", "evaluate", {{"model", {"target_a_s2"}}}, 1e12, 5);
  Metrics("eval_none_s2", "xnli", {{"de", 50}, {"zh", 52}});
  Metrics("eval_a_s2", "xnli", {{"de", 55}, {"zh", 52}});
  input_.results.push_back("eval_none_s2");
  input_.results.push_back("eval_a_s2");
  const Study study = BuildStudy(input_, {});
  const ScoreRow* row = study.Find("mlm", "nli", "xnli");
  ASSERT_NE(row, nullptr);
  ASSERT_EQ(row->seeds(), 2);
  EXPECT_EQ(row->replicates[0].seed, "1");
  EXPECT_EQ(row->replicates[1].seed, "2");
  EXPECT_DOUBLE_EQ(row->by_language.at("de"), (64.0 + 55) / 2);
  // Paired: seed 1 gains 4 and -1 (avg 1.5), seed 2 gains 5 and 0 (avg 2.5).
  const std::optional<GainStats> gain = study.PairedGain("mlm", "nli", "xnli");
  ASSERT_TRUE(gain);
  EXPECT_EQ(gain->pairs, 2);
  EXPECT_DOUBLE_EQ(gain->mean, 2.0);
  EXPECT_EQ(study.intermediate_compute.at({"mlm", "nli"}).nodes, 2);  // one intermediate training
}

TEST_F(StudyFromLineage, ResultsOfOneCellThatDifferInAParamAreRefusedNotDropped) {
  Add("target_a_lr", "train", {{"model", {"inter_a"}}}, 2e14, 100, {{"tasks", {"xnli"}}, {"lr", 3e-4}});
  Add("eval_a_lr", "evaluate", {{"model", {"target_a_lr"}}}, 1e12, 5);
  Metrics("eval_a_lr", "xnli", {{"de", 90}});
  input_.results.push_back("eval_a_lr");
  try {
    BuildStudy(input_, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("report: results 'eval_a' and 'eval_a_lr' fall in the same cell (model "
                                         "'mlm', intermediate 'nli', target 'xnli') but differ in param 'lr' of "
                                         "'target_a' and 'target_a_lr' (null vs 0.0003)"),
              std::string::npos)
        << e.what();
  }
}

TEST_F(StudyFromLineage, TwoScoresForOneLanguageWithTheSameSeedsAreRefused) {
  Add("eval_a_again", "evaluate", {{"model", {"target_a"}}}, 1e12, 5);
  Metrics("eval_a_again", "xnli", {{"zh", 10}});
  input_.results.push_back("eval_a_again");
  try {
    BuildStudy(input_, {});
    FAIL() << "expected an InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("'eval_a' and 'eval_a_again' fall in the same cell"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("both score 'zh'"), std::string::npos) << e.what();
  }
  // One evaluation per language is one replicate.
  input_.lineage.pop_back();
  Add("eval_a_again", "evaluate", {{"model", {"target_a"}}}, 1e12, 5);
  Metrics("eval_a_again", "xnli", {{"sw", 10}});
  const Study study = BuildStudy(input_, {});
  EXPECT_EQ(study.Find("mlm", "nli", "xnli")->seeds(), 1);
  EXPECT_DOUBLE_EQ(study.Find("mlm", "nli", "xnli")->by_language.at("sw"), 10);
}

}  // namespace
}  // namespace xstilts
