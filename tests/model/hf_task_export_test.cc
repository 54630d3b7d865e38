#include "model/hf_task_export.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>

#include "model/model_weights.h"
#include "model/safetensors.h"
#include "tests/model/tiny_model.h"

namespace xstilts {
namespace {

using testing::TinyConfig;

struct Exported {
  EncoderConfig config;
  std::map<std::string, torch::Tensor> tensors;
};

Exported Export(TaskModel& model, const std::string& task) {
  const std::string dir = (std::filesystem::temp_directory_path() / ("xstilts_hf_task_" + task)).string();
  std::filesystem::remove_all(dir);
  Status status = ExportHfTaskCheckpoint(dir, model, task);
  EXPECT_TRUE(status.ok()) << status.message();
  Exported out;
  auto config = ReadEncoderConfig(dir + "/config.json");
  EXPECT_TRUE(config.ok());
  if (config.ok()) out.config = *config;
  auto tensors = LoadTensors(dir + "/model.safetensors");
  EXPECT_TRUE(tensors.ok());
  if (tensors.ok()) {
    for (const auto& [name, tensor] : *tensors) out.tensors[name] = tensor;
  }
  std::filesystem::remove_all(dir);
  return out;
}

// Every head tensor is there under transformers' name, bit for bit, and the encoder under roberta.
void ExpectSame(const Exported& got, const torch::Tensor& expected, const std::string& name) {
  auto it = got.tensors.find(name);
  ASSERT_NE(it, got.tensors.end()) << name;
  EXPECT_TRUE(torch::equal(it->second, expected)) << name;
}

class HfTaskExport : public ::testing::Test {
 protected:
  HfTaskExport()
      : model_(TinyConfig(), std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm},
                                                   {"xnli", TaskKind::kSequenceClassification, 3},
                                                   {"panx", TaskKind::kTokenClassification, 7},
                                                   {"squad", TaskKind::kQuestionAnswering},
                                                   {"copa", TaskKind::kMultipleChoice}},
               /*with_pooler=*/true) {}
  TaskModel model_;
};

TEST_F(HfTaskExport, SequenceClassificationHasTheClassifierAndLabelsButNoPooler) {
  const Exported got = Export(model_, "xnli");
  EXPECT_EQ(got.config.extra.at("architectures")[0], "XLMRobertaForSequenceClassification");
  EXPECT_EQ(got.config.extra.at("id2label").size(), 3u);
  EXPECT_EQ(got.config.extra.at("label2id").at("LABEL_2"), 2);
  auto& head = dynamic_cast<SequenceClassificationHeadImpl&>(model_->head("xnli"));
  ExpectSame(got, head.dense->weight, "classifier.dense.weight");
  ExpectSame(got, head.out_proj->weight, "classifier.out_proj.weight");
  ExpectSame(got, head.out_proj->bias, "classifier.out_proj.bias");
  ExpectSame(got, model_->roberta->word_embedding_weight(), "roberta.embeddings.word_embeddings.weight");
  EXPECT_EQ(got.tensors.count("roberta.pooler.dense.weight"), 0u);
  EXPECT_EQ(got.tensors.count("lm_head.bias"), 0u);
  // The encoder's tensors (without pooler) plus four of the head.
  EXPECT_EQ(got.tensors.size(), ModuleTensors(*model_->roberta).size() - 2 + 4);
}

TEST_F(HfTaskExport, TokenClassificationAndQuestionAnswering) {
  const Exported tokens = Export(model_, "panx");
  EXPECT_EQ(tokens.config.extra.at("architectures")[0], "XLMRobertaForTokenClassification");
  EXPECT_EQ(tokens.config.extra.at("id2label").size(), 7u);
  auto& tagger = dynamic_cast<TokenClassificationHeadImpl&>(model_->head("panx"));
  ExpectSame(tokens, tagger.classifier->weight, "classifier.weight");
  ExpectSame(tokens, tagger.classifier->bias, "classifier.bias");

  const Exported qa = Export(model_, "squad");
  EXPECT_EQ(qa.config.extra.at("architectures")[0], "XLMRobertaForQuestionAnswering");
  EXPECT_EQ(qa.config.extra.at("id2label").size(), 2u);
  auto& span = dynamic_cast<QuestionAnsweringHeadImpl&>(model_->head("squad"));
  ExpectSame(qa, span.qa_outputs->weight, "qa_outputs.weight");
  EXPECT_EQ(qa.tensors.at("qa_outputs.weight").sizes(), at::IntArrayRef({2, 16}));
}

TEST_F(HfTaskExport, MultipleChoiceMovesItsDenseIntoThePooler) {
  const Exported got = Export(model_, "copa");
  EXPECT_EQ(got.config.extra.at("architectures")[0], "XLMRobertaForMultipleChoice");
  auto& head = dynamic_cast<MultipleChoiceHeadImpl&>(model_->head("copa"));
  // The head's dense replaces the encoder's own pooler, which the task never used.
  ExpectSame(got, head.dense->weight, "roberta.pooler.dense.weight");
  ExpectSame(got, head.dense->bias, "roberta.pooler.dense.bias");
  ExpectSame(got, head.classifier->weight, "classifier.weight");
  EXPECT_EQ(got.tensors.at("classifier.weight").sizes(), at::IntArrayRef({1, 16}));
  // Only the head's dense fills the pooler: encoder minus its own pooler, plus 4 head tensors.
  EXPECT_EQ(got.tensors.size(), ModuleTensors(*model_->roberta).size() - 2 + 4);
}

TEST(HfTaskExportLabels, NamesFromTheTaskRegressionAndNothingInheritedFromTheSourceConfig) {
  EncoderConfig config = TinyConfig();
  config.extra["id2label"] = {{"0", "NEGATIVE"}};  // as if imported from a fine-tuned checkpoint
  config.extra["problem_type"] = "single_label_classification";
  TaskSpec nli{"xnli", TaskKind::kSequenceClassification, 3};
  nli.labels = {"contradiction", "entailment", "neutral"};
  TaskModel model(config, std::vector<TaskSpec>{nli, {"stsb", TaskKind::kSequenceClassification, 1},
                                                {"copa", TaskKind::kMultipleChoice}});
  const Exported named = Export(model, "xnli");
  EXPECT_EQ(named.config.extra.at("id2label").at("1"), "entailment");
  EXPECT_EQ(named.config.extra.at("label2id").at("neutral"), 2);
  EXPECT_EQ(named.config.extra.count("problem_type"), 0u);
  const Exported regression = Export(model, "stsb");
  EXPECT_EQ(regression.config.extra.at("problem_type"), "regression");
  EXPECT_EQ(regression.config.extra.at("id2label").size(), 1u);
  const Exported choice = Export(model, "copa");
  EXPECT_EQ(choice.config.extra.count("id2label"), 0u);
  EXPECT_EQ(choice.config.extra.count("problem_type"), 0u);
}

TEST_F(HfTaskExport, MaskedLmAndUnknownTasks) {
  const Exported got = Export(model_, "mlm");
  EXPECT_EQ(got.config.extra.at("architectures")[0], "XLMRobertaForMaskedLM");
  auto& mlm = dynamic_cast<MaskedLmHeadImpl&>(model_->head("mlm"));
  ExpectSame(got, mlm.dense->weight, "lm_head.dense.weight");
  ExpectSame(got, mlm.bias, "lm_head.bias");
  EXPECT_EQ(got.tensors.count("lm_head.decoder.weight"), 0u);       // tied to the word embeddings
  EXPECT_EQ(got.tensors.count("roberta.pooler.dense.weight"), 0u);  // RobertaForMaskedLM has none
  EXPECT_EQ(got.tensors.size(), ModuleTensors(*model_->roberta).size() - 2 + 5);
  const Status missing = ExportHfTaskCheckpoint(
      (std::filesystem::temp_directory_path() / "xstilts_hf_task_none").string(), model_, "mnli");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.message(), "the model has no task 'mnli' (its tasks: mlm, xnli, panx, squad, copa)");
}

}  // namespace
}  // namespace xstilts
