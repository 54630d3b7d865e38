#include "model/trainer.h"

#include <gtest/gtest.h>
#include <torch/torch.h>

#include <filesystem>

#include "model/checkpoint_h5.h"
#include "model/heads.h"
#include "model/mlm_masking.h"
#include "model/multitask_source.h"
#include "tests/model/tiny_model.h"

namespace xstilts {
namespace {

using testing::RandomTokens;
using testing::TinyConfig;

// 16 random sentences with 3-way labels.
Batch ClassificationData(uint64_t seed) {
  Batch data = RandomTokens(16, 10, 50, 3, seed);
  data.labels = torch::randint(0, 3, {16}, torch::kLong);
  return data;
}

std::shared_ptr<TaskModelImpl> NewClassifier(uint64_t seed, double dropout = 0.1) {
  torch::manual_seed(seed);
  EncoderConfig config = TinyConfig();
  config.hidden_dropout_prob = dropout;
  config.attention_probs_dropout_prob = dropout;
  return std::make_shared<TaskModelImpl>(config, std::vector<TaskSpec>{{"cls", TaskKind::kSequenceClassification, 3}});
}

LossFn LossOf(const std::shared_ptr<TaskModelImpl>& model) {
  return [model](const Batch& b) { return model->forward(b).loss; };
}

TEST(FlatAdamW, MatchesTorchAdamWWithDecayExclusions) {
  auto flat_model = NewClassifier(1);
  auto reference = NewClassifier(1);
  std::vector<torch::Tensor> decay, no_decay;
  for (const auto& p : reference->named_parameters()) {
    (ExcludedFromWeightDecay(p.key()) ? no_decay : decay).push_back(p.value());
  }
  EXPECT_TRUE(ExcludedFromWeightDecay("roberta.embeddings.LayerNorm.weight"));
  EXPECT_TRUE(ExcludedFromWeightDecay("heads.cls.dense.bias"));
  EXPECT_FALSE(ExcludedFromWeightDecay("heads.cls.dense.weight"));
  std::vector<torch::optim::OptimizerParamGroup> groups;
  groups.emplace_back(decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(1e-3).weight_decay(0.1)));
  groups.emplace_back(no_decay, std::make_unique<torch::optim::AdamWOptions>(torch::optim::AdamWOptions(1e-3).weight_decay(0.0)));
  torch::optim::AdamW torch_adamw(groups, torch::optim::AdamWOptions(1e-3));
  FlatAdamW flat(flat_model->named_parameters().pairs(), AdamWOptions{0.9, 0.999, 1e-8, 0.1});
  Batch batch = ClassificationData(2);
  flat_model->eval();
  reference->eval();
  for (int step = 0; step < 3; ++step) {
    flat.ZeroGrad();
    torch_adamw.zero_grad();
    flat_model->forward(batch).loss.backward();
    reference->forward(batch).loss.backward();
    flat.Step(1e-3);
    torch_adamw.step();
  }
  auto a = flat_model->named_parameters();
  auto b = reference->named_parameters();
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_TRUE(torch::allclose(a[i].value(), b[i].value(), 1e-5, 1e-7)) << a[i].key();
  }
}

TEST(FlatAdamW, ClipsByGlobalNorm) {
  torch::Tensor w = torch::zeros({2}, torch::requires_grad());
  torch::Tensor bias = torch::zeros({1}, torch::requires_grad());
  FlatAdamW optimizer({{"w", w}, {"bias", bias}}, AdamWOptions{0.9, 0.999, 1e-8, 0.0});
  optimizer.ZeroGrad();
  ((w * torch::tensor({3.0f, 0.0f})).sum() + (bias * 4.0f).sum()).backward();
  EXPECT_NEAR(optimizer.ClipGradNorm(1.0), 5.0, 1e-6);
  EXPECT_EQ(optimizer.num_parameters(), 3);
  // First Adam step moves each parameter by lr * sign(grad) whatever the scale: check the moment.
  optimizer.Step(0.1);
  auto state = optimizer.StateTensors();
  EXPECT_NEAR(state[0].second[0].item<double>(), 0.1 * 3.0 / 5.0, 1e-6);  // decay.exp_avg = (1-b1) * g * clip
  EXPECT_NEAR(w[0].item<double>(), -0.1, 1e-5);
}

TEST(Trainer, TinyModelOverfitsSmallBatch) {
  // Hidden 64: at hidden 16 the <s> summary of 16 random sentences stalls in a two-cluster
  // solution (loss ~0.35) whatever the learning rate.
  torch::manual_seed(3);
  EncoderConfig config = TinyConfig();
  config.hidden_size = 64;
  config.num_attention_heads = 4;
  config.intermediate_size = 256;
  config.hidden_dropout_prob = 0.0;
  config.attention_probs_dropout_prob = 0.0;
  auto model = std::make_shared<TaskModelImpl>(config, std::vector<TaskSpec>{{"cls", TaskKind::kSequenceClassification, 3}});
  TrainOptions options;
  options.learning_rate = 1e-3;
  options.max_steps = 150;
  options.warmup_steps = 5;
  options.num_threads = 1;
  Trainer trainer(model, LossOf(model), options);
  double last_loss = 1e9, first_loss = -1;
  trainer.set_progress_callback([&](const TrainProgress& p) {
    if (first_loss < 0) first_loss = p.loss;
    last_loss = p.loss;
  });
  TensorBatchSource source(ClassificationData(4), 16, true, 0);
  auto result = trainer.Train(source);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(result->steps, 150);
  EXPECT_GT(first_loss, 0.9);
  EXPECT_LT(last_loss, 0.05);
}

// Trains 10 updates with evaluation every 3 and checkpoints every 2. When `interrupt_at` > 0 the
// first run is stopped after that update: orderly (stop_requested, which writes a checkpoint) or,
// with `crash`, by an exception that leaves only the last periodic checkpoint. A fresh setup (new
// model, source, trainer) then resumes. Returns the final weights.
NamedTensors TrainTen(const std::string& checkpoint, int64_t interrupt_at, bool crash, uint64_t seed = 17) {
  std::filesystem::remove(checkpoint);
  const Batch dev = ClassificationData(9);
  auto run = [&](int64_t stop_at, TrainResult* out) {
    auto model = NewClassifier(5);
    TrainOptions options;
    options.learning_rate = 1e-3;
    options.max_steps = 10;
    options.warmup_steps = 2;
    options.gradient_accumulation_steps = 2;
    options.eval_every_steps = 3;
    options.checkpoint_every_steps = 2;
    options.checkpoint_path = checkpoint;
    options.seed = seed;
    Trainer trainer(model, LossOf(model), options);
    trainer.set_evaluator([&] { return -model->forward(dev).loss.item<double>(); });
    int64_t updates = 0;
    trainer.set_stop_requested([&] {
      if (stop_at > 0 && ++updates >= stop_at && crash) throw std::runtime_error("killed");
      return stop_at > 0 && updates >= stop_at;
    });
    TensorBatchSource source(ClassificationData(6), 6, true, 3);  // 16 examples: partial batches too
    try {
      auto result = trainer.Train(source);
      EXPECT_TRUE(result.ok()) << result.status().message();
      if (result.ok()) *out = *result;
    } catch (const std::runtime_error&) {
      out->interrupted = true;
      out->steps = stop_at;
    }
    return CloneTensors(ModuleTensors(*model));
  };
  TrainResult result;
  NamedTensors weights = run(interrupt_at, &result);
  if (interrupt_at > 0) {
    EXPECT_TRUE(result.interrupted);
    EXPECT_EQ(result.steps, interrupt_at);
    weights = run(0, &result);
    EXPECT_EQ(result.resumed_from_step, crash ? interrupt_at / 2 * 2 : interrupt_at);
  }
  EXPECT_EQ(result.steps, 10);
  EXPECT_EQ(result.evaluations.size(), 4u);  // steps 3, 6, 9, 10
  return weights;
}

void ExpectBitIdentical(const NamedTensors& a, const NamedTensors& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) EXPECT_TRUE(torch::equal(a[i].second, b[i].second)) << a[i].first;
}

TEST(Trainer, ResumeAfterInterruptIsBitIdentical) {
  torch::set_num_threads(2);
  const std::string checkpoint = (std::filesystem::temp_directory_path() / "xstilts_resume.safetensors").string();
  NamedTensors uninterrupted = TrainTen(checkpoint, 0, false);
  {
    SCOPED_TRACE("orderly stop after update 5");
    ExpectBitIdentical(uninterrupted, TrainTen(checkpoint, 5, false));
  }
  {
    SCOPED_TRACE("crash after update 7, resumed from the checkpoint of update 6");
    ExpectBitIdentical(uninterrupted, TrainTen(checkpoint, 7, true));
  }
  // Another seed changes dropout and batch order, so the equality above is not vacuous.
  NamedTensors other = TrainTen(checkpoint, 0, false, 18);
  EXPECT_FALSE(torch::equal(other[0].second, uninterrupted[0].second));
  std::filesystem::remove(checkpoint);
}

TEST(Trainer, ResumesFromHdf5Checkpoint) {
  torch::set_num_threads(2);
  const std::string checkpoint = (std::filesystem::temp_directory_path() / "xstilts_resume.h5").string();
  NamedTensors uninterrupted = TrainTen(checkpoint, 0, false);
  ExpectBitIdentical(uninterrupted, TrainTen(checkpoint, 5, true));  // crash: resume from update 4
  auto saved = LoadCheckpointH5(checkpoint);
  ASSERT_TRUE(saved.ok()) << saved.status().message();
  EXPECT_EQ(saved->attributes.at("step"), 10);
  EXPECT_EQ(saved->tensors[0].first, "model/roberta.embeddings.word_embeddings.weight");
  std::filesystem::remove(checkpoint);
}

TEST(CheckpointH5, ModelArtifactKeepsLabelNames) {
  const std::string path = (std::filesystem::temp_directory_path() / "xstilts_model_labels.h5").string();
  TaskSpec named{"nli", TaskKind::kSequenceClassification, 2};
  named.labels = {"no", "yes"};
  TaskModelImpl model(TinyConfig(), std::vector<TaskSpec>{named, {"qa", TaskKind::kQuestionAnswering}});
  ASSERT_TRUE(SaveModelArtifact(path, model).ok());
  auto artifact = LoadModelArtifact(path);
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  EXPECT_EQ(artifact->tasks[0].labels, (std::vector<std::string>{"no", "yes"}));
  EXPECT_TRUE(artifact->tasks[1].labels.empty());
  std::filesystem::remove(path);
}

TEST(CheckpointH5, ModelArtifactRoundTripsAndLoadsEncoderOnly) {
  const std::string path = (std::filesystem::temp_directory_path() / "xstilts_model_artifact.h5").string();
  auto model = NewClassifier(21);
  ASSERT_TRUE(SaveModelArtifact(path, *model).ok());
  auto artifact = LoadModelArtifact(path);
  ASSERT_TRUE(artifact.ok()) << artifact.status().message();
  EXPECT_EQ(artifact->config.hidden_size, 16);
  ASSERT_EQ(artifact->tasks.size(), 1u);
  EXPECT_EQ(artifact->tasks[0].name, "cls");
  EXPECT_EQ(artifact->tasks[0].num_labels, 3);
  auto restored = TaskModelFromArtifact(*artifact, path);
  ASSERT_TRUE(restored.ok()) << restored.status().message();
  ExpectBitIdentical(ModuleTensors(*model), ModuleTensors(**restored));

  Encoder encoder(artifact->config, false);
  auto report = LoadEncoderWeights(encoder, artifact->tensors, path);
  ASSERT_TRUE(report.ok()) << report.status().message();
  EXPECT_EQ(report->unused.size(), 4u);  // heads.cls.{dense,out_proj}.{weight,bias}

  artifact->tensors.erase(artifact->tensors.begin() + 1);
  auto broken = TaskModelFromArtifact(*artifact, path);
  ASSERT_FALSE(broken.ok());
  EXPECT_EQ(broken.status().message(), path + ": missing tensor 'model/roberta.embeddings.position_embeddings.weight'");

  auto not_h5 = LoadModelArtifact(path + ".missing");
  ASSERT_FALSE(not_h5.ok());
  EXPECT_EQ(not_h5.status().kind(), ErrorKind::kNotFound);
  std::filesystem::remove(path);
}

TEST(Trainer, EarlyStoppingRestoresBestWeights) {
  const std::string checkpoint = (std::filesystem::temp_directory_path() / "xstilts_early.safetensors").string();
  std::filesystem::remove(checkpoint);
  TrainOptions options;
  options.learning_rate = 1e-3;
  options.max_steps = 50;
  options.eval_every_steps = 1;
  options.early_stopping_patience = 2;
  options.checkpoint_path = checkpoint;
  auto model = NewClassifier(7);
  Trainer trainer(model, LossOf(model), options);
  const std::vector<double> metrics = {1.0, 3.0, 2.0, 2.5, 9.0};
  size_t calls = 0;
  NamedTensors at_best;
  trainer.set_evaluator([&] {
    if (calls == 1) at_best = CloneTensors(ModuleTensors(*model));
    EXPECT_FALSE(model->is_training());
    return metrics[calls++];
  });
  TensorBatchSource source(ClassificationData(8), 4, true, 0);
  auto result = trainer.Train(source);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_TRUE(result->stopped_early);
  EXPECT_EQ(result->steps, 4);
  EXPECT_EQ(result->best_step, 2);
  EXPECT_EQ(result->best_metric, 3.0);
  ExpectBitIdentical(ModuleTensors(*model), at_best);

  // Training again from the checkpoint written when it stopped: finished, same best weights.
  auto again = NewClassifier(8);
  Trainer second(again, LossOf(again), options);
  second.set_evaluator([&] { return metrics[calls++]; });
  TensorBatchSource second_source(ClassificationData(8), 4, true, 0);
  auto resumed = second.Train(second_source);
  ASSERT_TRUE(resumed.ok()) << resumed.status().message();
  EXPECT_TRUE(resumed->stopped_early);
  EXPECT_EQ(resumed->steps, 4);
  EXPECT_EQ(resumed->best_step, 2);
  EXPECT_EQ(calls, 4u);
  ExpectBitIdentical(ModuleTensors(*again), at_best);
  std::filesystem::remove(checkpoint);
}

TEST(Trainer, TrainsMaskedLmAndClassificationTogether) {
  torch::manual_seed(13);
  auto model = std::make_shared<TaskModelImpl>(
      TinyConfig(), std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm}, {"cls", TaskKind::kSequenceClassification, 3}});
  const NamedTensors initial = CloneTensors(ModuleTensors(*model));
  MlmMaskingOptions masking;
  masking.vocab_size = 50;
  masking.mask_token_id = 3;
  Batch text = RandomTokens(32, 12, 50, 4, 14);
  std::vector<MultiTaskBatchSource::Task> tasks;
  tasks.push_back({"mlm", std::make_unique<MlmBatchSource>(std::make_unique<TensorBatchSource>(text, 8, true, 1), masking, 2)});
  tasks.push_back({"cls", std::make_unique<TensorBatchSource>(ClassificationData(15), 8, true, 3)});
  auto probabilities = TaskSamplingProbabilities({32, 16}, {TaskSamplingKind::kTemperature, 0, 2.0});
  ASSERT_TRUE(probabilities.ok());
  MultiTaskBatchSource source(std::move(tasks), TaskSampler(*probabilities, 4));
  TrainOptions options;
  options.learning_rate = 2e-3;
  options.max_steps = 40;
  options.warmup_steps = 4;
  options.log_every_steps = 1;
  Trainer trainer(model, LossOf(model), options);
  double first = 0, last = 0;
  int64_t reports = 0;
  trainer.set_progress_callback([&](const TrainProgress& p) {
    EXPECT_TRUE(std::isfinite(p.loss));
    EXPECT_GT(p.tokens_per_second, 0);
    if (p.step <= 5) first += p.loss;
    if (p.step > 35) last += p.loss;
    ++reports;
  });
  auto result = trainer.Train(source);
  ASSERT_TRUE(result.ok()) << result.status().message();
  EXPECT_EQ(reports, 40);
  EXPECT_LT(last, first);  // mean loss of the last 5 updates below that of the first 5
  // Both heads and the shared encoder moved.
  auto now = ModuleTensors(*model);
  for (size_t i = 0; i < now.size(); ++i) {
    const std::string& name = now[i].first;
    if (name == "heads.mlm.bias" || name == "heads.cls.out_proj.weight" || name == "roberta.encoder.layer.1.output.dense.weight") {
      EXPECT_FALSE(torch::equal(now[i].second, initial[i].second)) << name;
    }
  }
}

TEST(Trainer, GradientAccumulationMatchesOneLargeBatch) {
  auto train = [](int64_t batch_size, int64_t accumulation) {
    auto model = NewClassifier(11, /*dropout=*/0.0);
    TrainOptions options;
    options.learning_rate = 1e-3;
    options.max_steps = 3;
    options.gradient_accumulation_steps = accumulation;
    Trainer trainer(model, LossOf(model), options);
    TensorBatchSource source(ClassificationData(12), batch_size, false, 0);
    EXPECT_TRUE(trainer.Train(source).ok());
    return CloneTensors(ModuleTensors(*model));
  };
  NamedTensors large = train(8, 1);
  NamedTensors accumulated = train(4, 2);
  for (size_t i = 0; i < large.size(); ++i) {
    EXPECT_TRUE(torch::allclose(large[i].second, accumulated[i].second, 1e-4, 1e-6)) << large[i].first;
  }
}

TEST(Trainer, RejectsBadOptionsAndDevices) {
  auto model = NewClassifier(1);
  TrainOptions options;
  options.device = "tpu";
  TensorBatchSource source(ClassificationData(1), 4, false, 0);
  auto result = Trainer(model, LossOf(model), options).Train(source);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "device: expected auto, cpu or cuda, got \"tpu\"");
  options.device = "cpu";
  options.bf16_autocast = true;
  result = Trainer(model, LossOf(model), options).Train(source);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().message(), "bf16_autocast: needs a CUDA device");
  if (!torch::cuda::is_available()) {
    auto device = ResolveDevice("cuda");
    ASSERT_FALSE(device.ok());
    EXPECT_EQ(device.status().message(), "device: \"cuda\" requested but this LibTorch has no CUDA or no GPU is visible");
    EXPECT_TRUE(ResolveDevice("auto")->is_cpu());
  }
}

TEST(MultiTaskBatchSource, TagsTasksAndResumes) {
  auto make = [] {
    std::vector<MultiTaskBatchSource::Task> tasks;
    Batch a = ClassificationData(1), b = ClassificationData(2);
    tasks.push_back({"a", std::make_unique<TensorBatchSource>(a, 3, true, 1)});
    tasks.push_back({"b", std::make_unique<TensorBatchSource>(b, 5, true, 2)});
    return MultiTaskBatchSource(std::move(tasks), TaskSampler({0.3, 0.7}, 4));
  };
  MultiTaskBatchSource source = make();
  for (int i = 0; i < 7; ++i) source.Next();
  const std::vector<int64_t> state = source.State();
  std::vector<Batch> expected;
  for (int i = 0; i < 9; ++i) expected.push_back(source.Next());
  MultiTaskBatchSource resumed = make();
  ASSERT_TRUE(resumed.Restore(state).ok());
  int seen_a = 0;
  for (int i = 0; i < 9; ++i) {
    Batch batch = resumed.Next();
    EXPECT_EQ(batch.task, expected[i].task);
    EXPECT_TRUE(torch::equal(batch.input_ids, expected[i].input_ids));
    seen_a += batch.task == "a";
  }
  EXPECT_GT(seen_a, 0);
  EXPECT_LT(seen_a, 9);
  EXPECT_EQ(resumed.Restore({2, 0, 0}).message(), "batch source state: too short for task 'b'");
}

}  // namespace
}  // namespace xstilts
