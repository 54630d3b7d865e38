#include <gtest/gtest.h>
#include <torch/torch.h>

#include <ATen/CPUGeneratorImpl.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "model/heads.h"
#include "model/mlm_masking.h"
#include "model/model_weights.h"
#include "tests/model/tiny_model.h"

namespace xstilts {
namespace {

using testing::RandomTokens;
using testing::TinyConfig;

std::string TempDir(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("xstilts_model_" + name);
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir.string();
}

TEST(Encoder, ParameterNamesMatchHuggingFace) {
  Encoder encoder(TinyConfig(), /*with_pooler=*/true);
  std::set<std::string> names;
  int64_t count = 0;
  for (const auto& p : encoder->named_parameters()) {
    names.insert(p.key());
    count += p.value().numel();
  }
  for (const char* expected :
       {"embeddings.word_embeddings.weight", "embeddings.position_embeddings.weight",
        "embeddings.token_type_embeddings.weight", "embeddings.LayerNorm.weight", "embeddings.LayerNorm.bias",
        "encoder.layer.0.attention.self.query.weight", "encoder.layer.0.attention.self.key.bias",
        "encoder.layer.0.attention.self.value.weight", "encoder.layer.0.attention.output.dense.weight",
        "encoder.layer.0.attention.output.LayerNorm.weight", "encoder.layer.1.intermediate.dense.weight",
        "encoder.layer.1.output.dense.bias", "encoder.layer.1.output.LayerNorm.bias", "pooler.dense.weight"}) {
    EXPECT_TRUE(names.count(expected)) << expected;
  }
  EXPECT_EQ(names.size(), 5u + 2u * 16u + 2u);
  EXPECT_EQ(count, TinyConfig().EncoderParameterCount(true));
}

TEST(Encoder, PositionIdsStartAfterPadding) {
  torch::Tensor ids = torch::tensor({{0, 5, 6, 2, 1, 1}, {0, 7, 2, 1, 1, 1}}, torch::kLong);
  torch::Tensor expected = torch::tensor({{2, 3, 4, 5, 1, 1}, {2, 3, 4, 1, 1, 1}}, torch::kLong);
  EXPECT_TRUE(torch::equal(PaddingOffsetPositionIds(ids, 1), expected));
}

TEST(Encoder, PaddingDoesNotChangeTokenOutputs) {
  Encoder encoder(TinyConfig(), false);
  encoder->eval();
  torch::Tensor ids = torch::tensor({{0, 9, 10, 11, 2}}, torch::kLong);
  torch::Tensor padded = torch::tensor({{0, 9, 10, 11, 2, 1, 1}}, torch::kLong);
  torch::Tensor mask = torch::tensor({{1, 1, 1, 1, 1, 0, 0}}, torch::kLong);
  torch::NoGradGuard no_grad;
  torch::Tensor a = encoder->forward(ids, {}).last_hidden_state;
  torch::Tensor b = encoder->forward(padded, mask).last_hidden_state.slice(1, 0, 5);
  EXPECT_TRUE(torch::allclose(a, b, 1e-5, 1e-6));
  // Without the mask the padding is attended to and the outputs change.
  torch::Tensor c = encoder->forward(padded, {}).last_hidden_state.slice(1, 0, 5);
  EXPECT_FALSE(torch::allclose(a, c, 1e-5, 1e-6));
}

// Runs one forward/backward and checks the output shape and that every head parameter and the
// word embeddings received a non-zero gradient.
void CheckHead(TaskKind kind, const Batch& batch, std::vector<int64_t> logits_shape) {
  SCOPED_TRACE(TaskKindName(kind));
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"t", kind, 3}});
  TaskOutput out = model->forward(batch);
  ASSERT_TRUE(out.loss.defined());
  if (kind == TaskKind::kQuestionAnswering) {
    EXPECT_EQ(out.start_logits.sizes(), at::IntArrayRef(logits_shape));
    EXPECT_EQ(out.end_logits.sizes(), at::IntArrayRef(logits_shape));
  } else if (logits_shape.empty()) {
    EXPECT_FALSE(out.logits.defined());  // the fused output layer and loss hold no logits
  } else {
    EXPECT_EQ(out.logits.sizes(), at::IntArrayRef(logits_shape));
  }
  EXPECT_EQ(out.loss.dim(), 0);
  out.loss.backward();
  for (const auto& p : model->named_parameters()) {
    if (p.key().rfind("heads.", 0) == 0 || p.key() == "roberta.embeddings.word_embeddings.weight") {
      ASSERT_TRUE(p.value().grad().defined()) << p.key();
      EXPECT_GT(p.value().grad().abs().sum().item<double>(), 0.0) << p.key();
    }
  }
}

TEST(Heads, ShapesAndGradientsOfEveryHead) {
  Batch batch = RandomTokens(4, 8, 50, 3, 1);
  Batch classification = batch;
  classification.labels = torch::tensor({0, 2, 1, 0}, torch::kLong);
  CheckHead(TaskKind::kSequenceClassification, classification, {4, 3});

  Batch tokens = batch;
  tokens.labels = torch::randint(0, 3, {4, 8}, torch::kLong).masked_fill(batch.attention_mask.eq(0), kIgnoreLabel);
  CheckHead(TaskKind::kTokenClassification, tokens, {4, 8, 3});

  Batch qa = batch;
  qa.start_positions = torch::tensor({1, 2, 3, 1}, torch::kLong);
  qa.end_positions = torch::tensor({2, 4, 3, 5}, torch::kLong);
  CheckHead(TaskKind::kQuestionAnswering, qa, {4, 8});

  Batch choice;
  choice.input_ids = batch.input_ids.view({2, 2, 8});
  choice.attention_mask = batch.attention_mask.view({2, 2, 8});
  choice.labels = torch::tensor({1, 0}, torch::kLong);
  CheckHead(TaskKind::kMultipleChoice, choice, {2, 2});

  Batch mlm = batch;
  mlm.labels = torch::full({4, 8}, kIgnoreLabel, torch::kLong);
  mlm.labels.select(1, 3).copy_(batch.input_ids.select(1, 3));
  CheckHead(TaskKind::kMaskedLm, mlm, {});  // trained through LinearCrossEntropy
  torch::NoGradGuard no_grad;
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"t", TaskKind::kMaskedLm}});
  EXPECT_EQ(model->forward(mlm).logits.sizes(), at::IntArrayRef({4, 50}));  // the 4 labelled positions only
}

TEST(Heads, MaskedLmLabelledOnlyLogitsGiveTheSameLossAndGradients) {
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm}});
  model->eval();
  auto& head = dynamic_cast<MaskedLmHeadImpl&>(model->head("mlm"));
  Batch batch = RandomTokens(3, 9, 50, 2, 6);
  batch.labels = torch::where(torch::rand({3, 9}) < 0.3, batch.input_ids, torch::full_like(batch.input_ids, kIgnoreLabel));
  auto run = [&](bool labelled_only) {
    head.logits_for_labels_only = labelled_only;
    model->zero_grad();
    TaskOutput out = model->forward(batch);
    out.loss.backward();
    return std::make_pair(out, model->roberta->word_embedding_weight().grad().clone());
  };
  auto [sparse, sparse_grad] = run(true);
  auto [full, full_grad] = run(false);
  EXPECT_NEAR(sparse.loss.item<double>(), full.loss.item<double>(), 1e-6);
  EXPECT_TRUE(torch::allclose(sparse_grad, full_grad, 1e-5, 1e-7));
  // The fused path against the unfused ops on the same head: the same gradient reaches the
  // word embeddings, which the decoder shares (tied) with the encoder's input.
  model->zero_grad();
  torch::Tensor hidden = model->roberta->forward(batch.input_ids, batch.attention_mask, {}).last_hidden_state;
  torch::Tensor labelled = batch.labels.ne(kIgnoreLabel);
  torch::Tensor x = head.layer_norm(torch::gelu(head.dense(hidden.index({labelled}))));
  torch::nn::functional::cross_entropy(torch::linear(x, head.decoder_weight, head.bias),
                                       batch.labels.masked_select(labelled))
      .backward();
  EXPECT_TRUE(torch::allclose(model->roberta->word_embedding_weight().grad(), sparse_grad, 1e-5, 1e-7));

  torch::NoGradGuard no_grad;  // evaluation: unfused, with the logits
  TaskOutput evaluated = model->forward(batch);
  EXPECT_EQ(evaluated.logits.sizes(), at::IntArrayRef({3, 9, 50}));
  EXPECT_NEAR(evaluated.loss.item<double>(), full.loss.item<double>(), 1e-6);
}

TEST(Encoder, DropoutIsSeededAndScaled) {
  torch::Tensor x = torch::ones({1000, 100});
  torch::manual_seed(4);
  torch::Tensor a = Dropout(x, 0.1, true);
  torch::manual_seed(4);
  torch::Tensor b = Dropout(x, 0.1, true);
  EXPECT_TRUE(torch::equal(a, b));
  EXPECT_FALSE(torch::equal(a, Dropout(x, 0.1, true)));
  const double kept = a.ne(0).sum().item<double>() / x.numel();
  EXPECT_NEAR(kept, 0.9, 0.005);
  EXPECT_NEAR(a.max().item<double>(), 1.0 / 0.9, 1e-6);
  torch::Tensor w = torch::ones({1000, 100}, torch::requires_grad());
  Dropout(w, 0.1, true).sum().backward();
  EXPECT_NEAR(w.grad().sum().item<double>() / w.numel(), 1.0, 0.02);
  EXPECT_TRUE(torch::equal(Dropout(x, 0.1, false), x));
}

TEST(Heads, TokenClassificationLossIgnoresMinus100) {
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"ner", TaskKind::kTokenClassification, 3}});
  model->eval();
  Batch batch = RandomTokens(2, 6, 50, 2, 2);
  batch.labels = torch::tensor({{-100, 1, -100, 2, 0, -100}, {-100, 0, 1, -100, -100, -100}}, torch::kLong);
  TaskOutput out = model->forward(batch);
  torch::Tensor log_probs = torch::log_softmax(out.logits, -1);
  double expected = 0;
  int n = 0;
  for (int64_t i = 0; i < 2; ++i) {
    for (int64_t j = 0; j < 6; ++j) {
      const int64_t label = batch.labels[i][j].item<int64_t>();
      if (label == kIgnoreLabel) continue;
      expected -= log_probs[i][j][label].item<double>();
      ++n;
    }
  }
  EXPECT_NEAR(out.loss.item<double>(), expected / n, 1e-5);
  // A batch without any label gives a zero loss, not NaN.
  batch.labels.fill_(kIgnoreLabel);
  EXPECT_EQ(model->forward(batch).loss.item<double>(), 0.0);
}

TEST(Heads, QuestionAnsweringIgnoresPositionsOutsideTheSequence) {
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"qa", TaskKind::kQuestionAnswering}});
  model->eval();
  Batch batch = RandomTokens(2, 6, 50, 0, 3);
  batch.start_positions = torch::tensor({2, 50}, torch::kLong);
  batch.end_positions = torch::tensor({3, 50}, torch::kLong);
  TaskOutput out = model->forward(batch);
  const double start = -torch::log_softmax(out.start_logits[0], -1)[2].item<double>();
  const double end = -torch::log_softmax(out.end_logits[0], -1)[3].item<double>();
  EXPECT_NEAR(out.loss.item<double>(), (start + end) / 2, 1e-5);
}

TEST(Heads, MaskedMeanPoolAveragesTokensOnly) {
  torch::Tensor hidden = torch::arange(12, torch::kFloat).view({1, 3, 4}).repeat({2, 1, 1});
  torch::Tensor mask = torch::tensor({{1, 1, 0}, {1, 1, 1}}, torch::kLong);
  torch::Tensor pooled = MaskedMeanPool(hidden, mask);
  EXPECT_TRUE(torch::equal(pooled[0], torch::tensor({2.0f, 3.0f, 4.0f, 5.0f})));
  EXPECT_TRUE(torch::equal(pooled[1], torch::tensor({4.0f, 5.0f, 6.0f, 7.0f})));
  Encoder encoder(TinyConfig(), false);
  Batch batch = RandomTokens(3, 7, 50, 2, 4);
  torch::Tensor sentences = SentenceEmbeddings(encoder, batch.input_ids, batch.attention_mask, 1);
  EXPECT_EQ(sentences.sizes(), at::IntArrayRef({3, 16}));
  EXPECT_TRUE(encoder->is_training());
}

TEST(MlmMasking, NeverMasksSpecialOrPaddingAndFollows80_10_10) {
  MlmMaskingOptions options;
  options.vocab_size = 50;
  options.mask_token_id = 3;
  options.special_token_ids = {0, 1, 2, 3};
  Batch batch = RandomTokens(200, 64, 50, 20, 5);
  torch::Generator generator = at::make_generator<at::CPUGeneratorImpl>(11);
  MaskedTokens masked = MaskTokensForMlm(batch.input_ids, batch.attention_mask, options, generator);
  torch::Tensor selected = masked.labels.ne(kIgnoreLabel);
  torch::Tensor special = batch.input_ids.le(3);
  EXPECT_FALSE((selected & special).any().item<bool>());
  EXPECT_FALSE((selected & batch.attention_mask.eq(0)).any().item<bool>());
  EXPECT_TRUE(torch::equal(masked.labels.masked_select(selected), batch.input_ids.masked_select(selected)));
  EXPECT_TRUE(torch::equal(masked.input_ids.masked_select(~selected), batch.input_ids.masked_select(~selected)));
  const double eligible = (~special & batch.attention_mask.eq(1)).sum().item<double>();
  const double n = selected.sum().item<double>();
  EXPECT_NEAR(n / eligible, 0.15, 0.01);
  const double as_mask = (selected & masked.input_ids.eq(3)).sum().item<double>() / n;
  const double unchanged = (selected & masked.input_ids.eq(batch.input_ids)).sum().item<double>() / n;
  EXPECT_NEAR(as_mask, 0.8, 0.02);
  EXPECT_NEAR(unchanged, 0.1 + 0.1 / 50, 0.02);  // kept, or replaced by chance with itself
}

TEST(ModelWeights, HuggingFaceExportImportIsBitExact) {
  const std::string dir = TempDir("hf_mlm");
  TaskModel model(TinyConfig(), std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm}});
  auto& head = dynamic_cast<MaskedLmHeadImpl&>(model->head("mlm"));
  MaskedLmHead head_holder(std::shared_ptr<MaskedLmHeadImpl>(model.ptr(), &head));
  {
    torch::NoGradGuard no_grad;
    head.bias.normal_();  // non-trivial values everywhere
  }
  ASSERT_TRUE(ExportHfCheckpoint(dir, model->roberta, head_holder).ok());

  auto file = ReadSafetensors(dir + "/model.safetensors");
  ASSERT_TRUE(file.ok());
  EXPECT_EQ(file->metadata.at("format"), "pt");
  EXPECT_NE(file->Find("roberta.embeddings.word_embeddings.weight"), nullptr);
  EXPECT_NE(file->Find("lm_head.layer_norm.weight"), nullptr);
  EXPECT_NE(file->Find("lm_head.bias"), nullptr);
  EXPECT_EQ(file->Find("lm_head.decoder.weight"), nullptr);  // tied, as save_pretrained omits it
  auto config = ReadEncoderConfig(dir + "/config.json");
  ASSERT_TRUE(config.ok());
  EXPECT_EQ(config->extra.at("architectures")[0], "XLMRobertaForMaskedLM");

  auto imported = ImportHfCheckpoint(dir);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  ASSERT_FALSE(imported->mlm_head.is_empty());
  EXPECT_FALSE(imported->encoder->has_pooler());
  auto original = ModuleTensors(*model->roberta);
  auto loaded = ModuleTensors(*imported->encoder);
  ASSERT_EQ(original.size(), loaded.size());
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_EQ(original[i].first, loaded[i].first);
    EXPECT_TRUE(torch::equal(original[i].second, loaded[i].second)) << original[i].first;
  }
  EXPECT_TRUE(torch::equal(imported->mlm_head->bias, head.bias));
  EXPECT_TRUE(torch::equal(imported->mlm_head->dense->weight, head.dense->weight));
  // The decoder is still tied to the imported word embeddings.
  EXPECT_EQ(imported->mlm_head->decoder_weight.data_ptr(), imported->encoder->word_embedding_weight().data_ptr());
}

TEST(ModelWeights, BareNamesWithPoolerRoundTrip) {
  const std::string dir = TempDir("hf_bare");
  Encoder encoder(TinyConfig(), /*with_pooler=*/true);
  ASSERT_TRUE(ExportHfCheckpoint(dir, encoder).ok());
  auto file = ReadSafetensors(dir + "/model.safetensors");
  ASSERT_TRUE(file.ok());
  EXPECT_NE(file->Find("pooler.dense.weight"), nullptr);
  EXPECT_NE(file->Find("embeddings.LayerNorm.bias"), nullptr);
  auto imported = ImportHfCheckpoint(dir);
  ASSERT_TRUE(imported.ok()) << imported.status().message();
  EXPECT_TRUE(imported->encoder->has_pooler());
  EXPECT_TRUE(imported->mlm_head.is_empty());
  EXPECT_TRUE(torch::equal(imported->encoder->pooler_dense->weight, encoder->pooler_dense->weight));
}

TEST(ModelWeights, EncoderOnlyLoadingDropsHeadsAndKeepsEncoder) {
  const std::string dir = TempDir("encoder_only");
  TaskModel trained(TinyConfig(), std::vector<TaskSpec>{{"xnli", TaskKind::kSequenceClassification, 3},
                                   {"pos", TaskKind::kTokenClassification, 17}});
  ASSERT_TRUE(SaveTensors(ModuleTensors(*trained), {}, dir + "/task.safetensors").ok());
  auto tensors = LoadTensors(dir + "/task.safetensors");
  ASSERT_TRUE(tensors.ok());
  Encoder encoder(TinyConfig(), false);
  auto report = LoadEncoderWeights(encoder, *tensors, "task.safetensors");
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->unused, (std::vector<std::string>{"heads.xnli.dense.weight", "heads.xnli.dense.bias",
                                                      "heads.xnli.out_proj.weight", "heads.xnli.out_proj.bias",
                                                      "heads.pos.classifier.weight", "heads.pos.classifier.bias"}));
  EXPECT_TRUE(report->missing.empty());
  auto original = ModuleTensors(*trained->roberta);
  auto loaded = ModuleTensors(*encoder);
  for (size_t i = 0; i < original.size(); ++i) {
    EXPECT_TRUE(torch::equal(original[i].second, loaded[i].second)) << original[i].first;
  }
}

// Writes an exported tiny checkpoint, lets `edit` change its tensors, and returns the import error.
std::string ImportErrorAfter(const std::string& name, const std::function<void(SafetensorsFile&)>& edit) {
  const std::string dir = TempDir(name);
  Encoder encoder(TinyConfig(), false);
  EXPECT_TRUE(ExportHfCheckpoint(dir, encoder).ok());
  auto file = ReadSafetensors(dir + "/model.safetensors");
  EXPECT_TRUE(file.ok());
  edit(*file);
  EXPECT_TRUE(WriteSafetensors(*file, dir + "/model.safetensors").ok());
  auto imported = ImportHfCheckpoint(dir);
  EXPECT_FALSE(imported.ok());
  return imported.ok() ? "" : imported.status().message();
}

TEST(ModelWeights, BadCheckpointsNameFileAndTensor) {
  auto find = [](SafetensorsFile& f, const std::string& name) {
    for (auto& t : f.tensors) {
      if (t.name == name) return &t;
    }
    return static_cast<SafetensorsTensor*>(nullptr);
  };
  std::string dir = (std::filesystem::temp_directory_path() / "xstilts_model_missing").string();
  EXPECT_EQ(ImportErrorAfter("missing", [](SafetensorsFile& f) {
              for (auto it = f.tensors.begin(); it != f.tensors.end(); ++it) {
                if (it->name == "encoder.layer.0.attention.self.key.bias") {
                  f.tensors.erase(it);
                  break;
                }
              }
            }),
            dir + "/model.safetensors: missing tensor 'encoder.layer.0.attention.self.key.bias'");
  dir = (std::filesystem::temp_directory_path() / "xstilts_model_shape").string();
  EXPECT_EQ(ImportErrorAfter("shape", [&](SafetensorsFile& f) {
              SafetensorsTensor* t = find(f, "encoder.layer.1.output.dense.weight");
              t->shape = {16, 16};
              t->data.resize(16 * 16 * 4);
            }),
            dir + "/model.safetensors: tensor 'encoder.layer.1.output.dense.weight': shape [16, 16] does not match "
                  "the model's [16, 32]");
  dir = (std::filesystem::temp_directory_path() / "xstilts_model_extra_layer").string();
  EXPECT_EQ(ImportErrorAfter("extra_layer", [&](SafetensorsFile& f) {
              SafetensorsTensor extra = *find(f, "encoder.layer.1.output.dense.bias");
              extra.name = "encoder.layer.2.output.dense.bias";  // a checkpoint deeper than its config
              f.tensors.push_back(extra);
            }),
            dir + "/model.safetensors: tensor 'encoder.layer.2.output.dense.bias' has no place in the model "
                  "(2 layers in the config)");
  dir = (std::filesystem::temp_directory_path() / "xstilts_model_dtype").string();
  EXPECT_EQ(ImportErrorAfter("dtype", [&](SafetensorsFile& f) {
              SafetensorsTensor* t = find(f, "embeddings.LayerNorm.bias");
              t->dtype = SafetensorsDType::kI64;
              t->data.resize(16 * 8);
            }),
            dir + "/model.safetensors: tensor 'embeddings.LayerNorm.bias': dtype Long cannot be loaded into a Float "
                  "parameter");

  // A truncated file and a header length past the end of the file.
  dir = TempDir("truncated");
  Encoder encoder(TinyConfig(), false);
  ASSERT_TRUE(ExportHfCheckpoint(dir, encoder).ok());
  const std::string path = dir + "/model.safetensors";
  auto intact = ReadSafetensors(path);
  ASSERT_TRUE(intact.ok());
  int64_t data_size = 0;
  for (const auto& t : intact->tensors) data_size += static_cast<int64_t>(t.data.size());
  std::filesystem::resize_file(path, std::filesystem::file_size(path) - 10);
  auto truncated = ImportHfCheckpoint(dir);
  ASSERT_FALSE(truncated.ok());
  EXPECT_EQ(truncated.status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(truncated.status().message(),
            path + ": tensor 'encoder.layer.1.output.LayerNorm.bias': data_offsets [" + std::to_string(data_size - 64) +
                ", " + std::to_string(data_size) + "] end past the data section (" + std::to_string(data_size - 10) +
                " bytes; file truncated?)");
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    const char length[8] = {0x40, 0x42, 0x0f, 0, 0, 0, 0, 0};  // 1,000,000
    f.write(length, 8);
  }
  auto past_eof = ImportHfCheckpoint(dir);
  ASSERT_FALSE(past_eof.ok());
  EXPECT_EQ(past_eof.status().message(), path + ": header length 1000000 runs past the end of the file (" +
                                             std::to_string(std::filesystem::file_size(path)) + " bytes)");
}

}  // namespace
}  // namespace xstilts
