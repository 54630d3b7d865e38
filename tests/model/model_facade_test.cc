// Torch-free tests: a Hugging Face checkpoint written by hand (as transformers lays out
// RobertaForMaskedLM) goes through the facade into a model artifact and back, bit for bit.
#include "model/model_facade.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "model/label_alignment.h"
#include "model/safetensors.h"

namespace xstilts {
namespace {

SafetensorsTensor RandomF32(const std::string& name, std::vector<int64_t> shape, std::mt19937& rng) {
  SafetensorsTensor t;
  t.name = name;
  t.shape = std::move(shape);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  std::vector<float> values(static_cast<size_t>(t.NumElements()));
  for (float& v : values) v = normal(rng);
  t.data.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
  return t;
}

// xlm-roberta layout: roberta.* encoder, lm_head.*, the tied decoder copies and position_ids.
SafetensorsFile HandWrittenMaskedLm(const EncoderConfig& c) {
  std::mt19937 rng(5);
  const int64_t h = c.hidden_size, f = c.intermediate_size, v = c.vocab_size;
  SafetensorsFile file;
  file.metadata = {{"format", "pt"}};
  auto add = [&](const std::string& name, std::vector<int64_t> shape) { file.tensors.push_back(RandomF32(name, shape, rng)); };
  add("roberta.embeddings.word_embeddings.weight", {v, h});
  add("roberta.embeddings.position_embeddings.weight", {c.max_position_embeddings, h});
  add("roberta.embeddings.token_type_embeddings.weight", {c.type_vocab_size, h});
  add("roberta.embeddings.LayerNorm.weight", {h});
  add("roberta.embeddings.LayerNorm.bias", {h});
  for (int64_t i = 0; i < c.num_hidden_layers; ++i) {
    const std::string p = "roberta.encoder.layer." + std::to_string(i) + ".";
    for (const char* m : {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
      add(p + m + ".weight", {h, h});
      add(p + m + ".bias", {h});
    }
    add(p + "attention.output.LayerNorm.weight", {h});
    add(p + "attention.output.LayerNorm.bias", {h});
    add(p + "intermediate.dense.weight", {f, h});
    add(p + "intermediate.dense.bias", {f});
    add(p + "output.dense.weight", {h, f});
    add(p + "output.dense.bias", {h});
    add(p + "output.LayerNorm.weight", {h});
    add(p + "output.LayerNorm.bias", {h});
  }
  add("lm_head.dense.weight", {h, h});
  add("lm_head.dense.bias", {h});
  add("lm_head.layer_norm.weight", {h});
  add("lm_head.layer_norm.bias", {h});
  add("lm_head.bias", {v});
  SafetensorsTensor decoder = file.tensors[0];
  decoder.name = "lm_head.decoder.weight";
  file.tensors.push_back(decoder);
  SafetensorsTensor positions;
  positions.name = "roberta.embeddings.position_ids";
  positions.dtype = SafetensorsDType::kI64;
  positions.shape = {1, c.max_position_embeddings};
  for (int64_t i = 0; i < c.max_position_embeddings; ++i) positions.data.append(reinterpret_cast<const char*>(&i), 8);
  file.tensors.push_back(positions);
  return file;
}

// Vocabulary 40, hidden 8, 2 heads, feed-forward 16, 20 positions.
EncoderConfig SmallConfig(int64_t layers) {
  EncoderConfig config;
  config.vocab_size = 40;
  config.hidden_size = 8;
  config.num_hidden_layers = layers;
  config.num_attention_heads = 2;
  config.intermediate_size = 16;
  config.max_position_embeddings = 20;
  return config;
}

TEST(ModelFacade, HuggingFaceImportExportRoundTripsThroughAnArtifact) {
  const EncoderConfig config = SmallConfig(2);
  const auto root = std::filesystem::temp_directory_path() / "xstilts_facade";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root / "hf");
  ASSERT_TRUE(WriteEncoderConfig(config, (root / "hf/config.json").string()).ok());
  const SafetensorsFile original = HandWrittenMaskedLm(config);
  ASSERT_TRUE(WriteSafetensors(original, (root / "hf/model.safetensors").string()).ok());

  const std::string artifact = (root / "model.h5").string();
  Status imported = ImportHfModel((root / "hf").string(), artifact);
  ASSERT_TRUE(imported.ok()) << imported.message();
  auto summary = DescribeModelArtifact(artifact);
  ASSERT_TRUE(summary.ok()) << summary.status().message();
  EXPECT_EQ(summary->task_names, std::vector<std::string>{"mlm"});
  EXPECT_EQ(summary->task_kinds, std::vector<std::string>{"masked_lm"});
  EXPECT_EQ(summary->parameters, config.EncoderParameterCount(false) + 8 * 8 + 8 + 2 * 8 + 40);

  Status exported = ExportHfModel(artifact, (root / "out").string());
  ASSERT_TRUE(exported.ok()) << exported.message();
  auto round_trip = ReadSafetensors((root / "out/model.safetensors").string());
  ASSERT_TRUE(round_trip.ok()) << round_trip.status().message();
  size_t compared = 0;
  for (const SafetensorsTensor& t : original.tensors) {
    if (t.name == "lm_head.decoder.weight" || t.name == "roberta.embeddings.position_ids") {
      EXPECT_EQ(round_trip->Find(t.name), nullptr) << t.name;
      continue;
    }
    const SafetensorsTensor* back = round_trip->Find(t.name);
    ASSERT_NE(back, nullptr) << t.name;
    EXPECT_EQ(back->shape, t.shape) << t.name;
    EXPECT_EQ(back->data, t.data) << t.name;
    ++compared;
  }
  EXPECT_EQ(compared, round_trip->tensors.size());
  std::filesystem::remove_all(root);
}

TEST(ModelFacade, ImportNamesTheMissingTensor) {
  const EncoderConfig config = SmallConfig(1);
  const auto root = std::filesystem::temp_directory_path() / "xstilts_facade_missing";
  std::filesystem::remove_all(root);
  std::filesystem::create_directories(root);
  ASSERT_TRUE(WriteEncoderConfig(config, (root / "config.json").string()).ok());
  SafetensorsFile file = HandWrittenMaskedLm(config);
  for (auto it = file.tensors.begin(); it != file.tensors.end(); ++it) {
    if (it->name == "roberta.encoder.layer.0.attention.self.key.bias") {
      file.tensors.erase(it);
      break;
    }
  }
  ASSERT_TRUE(WriteSafetensors(file, (root / "model.safetensors").string()).ok());
  Status status = ImportHfModel(root.string(), (root / "model.h5").string());
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(status.message(),
            (root / "model.safetensors").string() + ": missing tensor 'roberta.encoder.layer.0.attention.self.key.bias'");
  std::filesystem::remove_all(root);
}

TEST(LabelAlignment, FirstSubtokenCarriesTheWordLabel) {
  // <s> New York ##er is </s> <pad>
  const std::vector<int64_t> word_ids = {-1, 0, 1, 1, 2, -1, -1};
  auto labels = FirstSubtokenLabels(word_ids, {3, 4, 0});
  ASSERT_TRUE(labels.ok());
  EXPECT_EQ(*labels, (std::vector<int64_t>{-100, 3, 4, -100, 0, -100, -100}));
  EXPECT_EQ(WordPredictions(word_ids, {9, 3, 4, 7, 1, 9, 9}, 4), (std::vector<int64_t>{3, 4, 1, -1}));
  auto bad = FirstSubtokenLabels({0, 1, 0}, {1, 2});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "token 2: word 0 reappears");
  auto out_of_range = FirstSubtokenLabels({0, 5}, {1, 2});
  ASSERT_FALSE(out_of_range.ok());
  EXPECT_EQ(out_of_range.status().message(), "token 1: word 5 has no label (2 words)");
}

}  // namespace
}  // namespace xstilts
