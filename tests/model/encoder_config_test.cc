#include "model/encoder_config.h"

#include <gtest/gtest.h>

#include "model/lr_schedule.h"
#include "model/task_sampler.h"

namespace xstilts {
namespace {

// The config.json of xlm-roberta-base, as transformers writes it.
constexpr const char* kXlmrBase = R"({
  "architectures": ["XLMRobertaForMaskedLM"],
  "attention_probs_dropout_prob": 0.1,
  "bos_token_id": 0,
  "eos_token_id": 2,
  "hidden_act": "gelu",
  "hidden_dropout_prob": 0.1,
  "hidden_size": 768,
  "initializer_range": 0.02,
  "intermediate_size": 3072,
  "layer_norm_eps": 1e-05,
  "max_position_embeddings": 514,
  "model_type": "xlm-roberta",
  "num_attention_heads": 12,
  "num_hidden_layers": 12,
  "output_past": true,
  "pad_token_id": 1,
  "position_embedding_type": "absolute",
  "transformers_version": "4.17.0.dev0",
  "type_vocab_size": 1,
  "use_cache": true,
  "vocab_size": 250002
})";

TEST(EncoderConfig, ParsesXlmRobertaBase) {
  auto config = EncoderConfigFromJson(std::string(kXlmrBase), "config.json");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->vocab_size, 250002);
  EXPECT_EQ(config->hidden_size, 768);
  EXPECT_EQ(config->num_hidden_layers, 12);
  EXPECT_EQ(config->pad_token_id, 1);
  EXPECT_DOUBLE_EQ(config->layer_norm_eps, 1e-5);
  EXPECT_EQ(config->MaxSequenceLength(), 512);
  EXPECT_EQ(config->extra.at("architectures")[0], "XLMRobertaForMaskedLM");
  // 278M parameters for XLM-R base without pooler: the published count.
  EXPECT_EQ(config->EncoderParameterCount(false), 277453056);
}

// pipelines/xstilts.yaml imports XLM-R Large with this config from the repository.
TEST(EncoderConfig, TheRepositoryConfigOfXlmRobertaLargeIsValid) {
  auto config = ReadEncoderConfig(std::string(XSTILTS_SOURCE_DIR) + "/pipelines/hf/xlm-roberta-large/config.json");
  ASSERT_TRUE(config.ok()) << config.status().message();
  EXPECT_EQ(config->model_type, "xlm-roberta");
  EXPECT_EQ(config->num_hidden_layers, 24);
  EXPECT_EQ(config->hidden_size, 1024);
  EXPECT_EQ(config->num_attention_heads, 16);
  EXPECT_EQ(config->intermediate_size, 4096);
  EXPECT_EQ(config->MaxSequenceLength(), 512);
  // By hand: embeddings (250,002 + 514 + 1) x 1,024 + LayerNorm 2,048 = 256,531,456, plus
  // 24 layers x 12,596,224 = 302,309,376: the "560M" of XLM-R Large.
  EXPECT_EQ(config->EncoderParameterCount(false), 558840832);
}

TEST(EncoderConfig, RoundTripsUnknownKeys) {
  auto config = EncoderConfigFromJson(std::string(kXlmrBase), "config.json");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(EncoderConfigToJson(*config), nlohmann::json::parse(kXlmrBase));
}

TEST(EncoderConfig, ReportsEveryBadFieldByName) {
  auto config = EncoderConfigFromJson(
      std::string(R"({"hidden_size": 100, "num_attention_heads": 12, "hidden_act": "relu",
                      "hidden_dropout_prob": 1.5, "vocab_size": 10, "pad_token_id": 1})"),
      "m/config.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(config.status().message(),
            "m/config.json: hidden_size: 100 is not divisible by num_attention_heads (12)\n"
            "m/config.json: hidden_act: only \"gelu\" (exact, erf) is supported, got \"relu\"\n"
            "m/config.json: hidden_dropout_prob: must be in [0, 1), got 1.5");
}

TEST(EncoderConfig, RejectsWrongTypes) {
  auto config = EncoderConfigFromJson(std::string(R"({"hidden_size": "768", "layer_norm_eps": null})"), "c.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(),
            "c.json: hidden_size: expected an integer, got \"768\"\n"
            "c.json: layer_norm_eps: expected a number, got null");
}

TEST(EncoderConfig, RejectsMalformedJson) {
  auto config = EncoderConfigFromJson(std::string("{\"hidden_size\": 7"), "c.json");
  ASSERT_FALSE(config.ok());
  EXPECT_EQ(config.status().message(), "c.json: not valid JSON (byte 18)");
}

TEST(LinearWarmupDecay, MatchesHuggingFaceSchedule) {
  LinearWarmupDecay schedule(1.0, 4, 12);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(0), 0.0);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(2), 0.5);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(4), 1.0);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(8), 0.5);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(12), 0.0);
  EXPECT_DOUBLE_EQ(schedule.LearningRate(20), 0.0);
}

TEST(TaskSampling, ProportionalCappedTemperatureUniform) {
  const std::vector<int64_t> sizes = {100, 300, 0};
  auto proportional = TaskSamplingProbabilities(sizes, {TaskSamplingKind::kProportional, 0, 1.0});
  ASSERT_TRUE(proportional.ok());
  EXPECT_EQ(*proportional, (std::vector<double>{0.25, 0.75, 0.0}));
  auto capped = TaskSamplingProbabilities(sizes, {TaskSamplingKind::kCappedProportional, 100, 1.0});
  ASSERT_TRUE(capped.ok());
  EXPECT_EQ(*capped, (std::vector<double>{0.5, 0.5, 0.0}));
  auto temperature = TaskSamplingProbabilities({100, 400}, {TaskSamplingKind::kTemperature, 0, 2.0});
  ASSERT_TRUE(temperature.ok());
  EXPECT_DOUBLE_EQ((*temperature)[0], 1.0 / 3.0);
  auto uniform = TaskSamplingProbabilities(sizes, {TaskSamplingKind::kUniform, 0, 1.0});
  ASSERT_TRUE(uniform.ok());
  EXPECT_EQ(*uniform, (std::vector<double>{0.5, 0.5, 0.0}));
  auto empty = TaskSamplingProbabilities({0, 0}, {});
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().message(), "task sampling: every task is empty");
}

TEST(TaskSampling, SamplerFollowsProbabilitiesAndIsStateless) {
  TaskSampler sampler({0.25, 0.75, 0.0}, 7);
  int counts[3] = {0, 0, 0};
  for (int64_t step = 0; step < 20000; ++step) ++counts[sampler.TaskForStep(step)];
  EXPECT_NEAR(counts[0] / 20000.0, 0.25, 0.02);
  EXPECT_EQ(counts[2], 0);
  EXPECT_EQ(sampler.TaskForStep(123), TaskSampler({0.25, 0.75, 0.0}, 7).TaskForStep(123));
}

}  // namespace
}  // namespace xstilts
