// The model node types (init_model, pretrain_mlm, train, import_hf, export_hf) through the CLI.
#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "data/h5_file.h"
#include "model/safetensors.h"
#include "tests/integration/cli_harness.h"
#include "tests/nodes/model_test_support.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::ArtifactOf;
using testing::LogColumn;
using testing::ModelTensors;

// XNLI pairs, a tokenizer, their tokens, a tiny encoder and 12 masked-LM steps.
std::string Upstream(const fs::path& xnli) { return testing::XnliUpstream(xnli, 12, 4); }

std::string WithTrain(const fs::path& xnli, int steps) {
  return Upstream(xnli) +
         "  cls:\n"
         "    type: train\n"
         "    inputs: {model: mlm, train: tok, dev: tok}\n"
         "    params: {steps: " + std::to_string(steps) + ", batch_size: 16, lr: 1.0e-3, warmup_ratio: 0.1, eval_every: 10,\n"
         "             checkpoint_every: 5, device: cpu, seed: 3}\n"
         "    resources: {threads: 1}\n";
}

TEST(ModelNodes, PretrainAndTrainPipelineLearnsAndIsCached) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  CliHarness h("model_nodes_pipeline");
  h.Write("p.yaml", WithTrain(xnli, 150));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [node, status] : r.Statuses()) EXPECT_EQ(status, "ran") << node;

  // The pretraining and fine-tuning losses went down.
  H5File mlm_model(ArtifactOf(h, r, "mlm", "model"), H5File::Mode::kReadOnly);
  EXPECT_EQ(mlm_model.GetStringAttribute("/", "kind"), "model");
  const fs::path log = ArtifactOf(h, r, "cls", "log");
  const std::vector<double> loss = LogColumn(log, "/train/loss");
  ASSERT_EQ(loss.size(), 150u);
  const double first = (loss[0] + loss[1] + loss[2]) / 3, last = (loss[147] + loss[148] + loss[149]) / 3;
  EXPECT_LT(last, first * 0.8) << "first " << first << " last " << last;
  H5File log_file(log, H5File::Mode::kReadOnly);
  EXPECT_EQ(log_file.GetStringAttribute("/", "kind"), "metrics");
  EXPECT_EQ(log_file.GetStringAttribute("/", "dev_metric"), "accuracy");
  std::vector<int64_t> dev_steps;
  for (int64_t step = 10; step <= 150; step += 10) dev_steps.push_back(step);
  EXPECT_EQ(log_file.ReadVector<int64_t>("/dev/step"), dev_steps);
  const std::vector<double> dev = log_file.ReadVector<double>("/dev/metric");
  EXPECT_EQ(log_file.GetIntAttribute("/", "best_step"),
            10 * (1 + std::distance(dev.begin(), std::max_element(dev.begin(), dev.end()))));
  EXPECT_GT(log_file.GetDoubleAttribute("/", "best_metric"), 0.5);  // 32 examples seen ~75 times each, evaluated on themselves; chance is 1/3

  // The trained model has the encoder and the task's head, named after the format.
  const std::map<std::string, std::string> tensors = ModelTensors(ArtifactOf(h, r, "cls", "model"));
  EXPECT_TRUE(tensors.count("roberta.embeddings.word_embeddings.weight"));
  EXPECT_TRUE(tensors.count("heads.xnli.out_proj.weight"));
  EXPECT_FALSE(tensors.count("heads.mlm.dense.weight"));

  CliResult again = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  for (const auto& [node, status] : again.Statuses()) EXPECT_EQ(status, "cached") << node;

  // Exported for transformers with its head, the config names XNLI's labels.
  h.Write("export.yaml", WithTrain(xnli, 150) +
                             "  hf:\n"
                             "    type: export_hf\n"
                             "    inputs: {model: cls}\n"
                             "    params: {task: xnli}\n");
  CliResult exported = h.Run({"run", "export.yaml", "--json"});
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  EXPECT_EQ(exported.Statuses().at("cls"), "cached");
  H5File bundle(ArtifactOf(h, exported, "hf", "hf"), H5File::Mode::kReadOnly);  // a files bundle
  const std::vector<uint8_t> bytes = bundle.ReadVector<uint8_t>("/files/config.json");
  const nlohmann::json config = nlohmann::json::parse(std::string(bytes.begin(), bytes.end()));
  EXPECT_EQ(config.at("architectures")[0], "XLMRobertaForSequenceClassification");
  EXPECT_EQ(config.at("id2label"), (nlohmann::json{{"0", "contradiction"}, {"1", "entailment"}, {"2", "neutral"}}));
}

// kill -9 during `train` after a checkpoint was written, rerun: the same weights and log as a run
// that was never interrupted (CPU, one thread).
TEST(ModelNodes, KilledTrainingResumesToTheSameWeights) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  CliHarness straight("model_nodes_straight"), killed("model_nodes_killed");
  straight.Write("p.yaml", WithTrain(xnli, 150));
  CliResult a = straight.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;

  // Upstream nodes first, so that the only training checkpoint the poll can see is the train node's.
  killed.Write("up.yaml", Upstream(xnli));
  ASSERT_EQ(killed.Run({"run", "up.yaml"}).exit_code, 0);
  killed.Write("p.yaml", WithTrain(xnli, 150));
  const pid_t pid = killed.Start({"run", "p.yaml"}, "first");
  bool checkpoint = false;
  for (int i = 0; i < 20000 && !checkpoint; ++i) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(killed.cache() / "resume", ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename() == "train.h5") checkpoint = true;
    }
    if (!checkpoint) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(checkpoint) << "no training checkpoint appeared";
  ::kill(pid, SIGKILL);
  CliResult first = killed.Wait(pid, "first");
  ASSERT_NE(first.exit_code, 0) << "the run finished before it was killed";

  CliResult b = killed.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.Statuses().at("cls"), "ran");
  // The rerun's first progress report is past step 1: it started from the checkpoint.
  std::ifstream run_log(b.Json()["run_log"].get<std::string>());
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(run_log, line);) events.push_back(nlohmann::json::parse(line));
  size_t rerun = 0;
  for (size_t i = 0; i < events.size(); ++i) {
    if (events[i]["event"] == "run_start") rerun = i;
  }
  std::string first_report;
  for (size_t i = rerun; i < events.size() && first_report.empty(); ++i) {
    if (events[i]["event"] == "progress" && events[i]["node"] == "cls") first_report = events[i]["message"];
  }
  EXPECT_NE(first_report.rfind("step ", 0), std::string::npos) << first_report;
  EXPECT_EQ(first_report.rfind("step 1/", 0), std::string::npos) << first_report;

  EXPECT_EQ(ModelTensors(ArtifactOf(straight, a, "cls", "model")), ModelTensors(ArtifactOf(killed, b, "cls", "model")));
  EXPECT_EQ(LogColumn(ArtifactOf(straight, a, "cls", "log"), "/train/loss"),
            LogColumn(ArtifactOf(killed, b, "cls", "log"), "/train/loss"));
}

// A Hugging Face RobertaForMaskedLM directory written here -> import_hf -> export_hf: the same
// tensors, bit for bit, and the same config.
TEST(ModelNodes, ImportAndExportHuggingFaceRoundTrip) {
  const int64_t vocab = 20, hidden = 8, ffn = 16, positions = 12;
  std::map<std::string, std::vector<int64_t>> shapes = {
      {"roberta.embeddings.word_embeddings.weight", {vocab, hidden}},
      {"roberta.embeddings.position_embeddings.weight", {positions, hidden}},
      {"roberta.embeddings.token_type_embeddings.weight", {1, hidden}},
      {"roberta.embeddings.LayerNorm.weight", {hidden}},
      {"roberta.embeddings.LayerNorm.bias", {hidden}},
      {"lm_head.dense.weight", {hidden, hidden}},
      {"lm_head.dense.bias", {hidden}},
      {"lm_head.layer_norm.weight", {hidden}},
      {"lm_head.layer_norm.bias", {hidden}},
      {"lm_head.bias", {vocab}},
  };
  const std::string layer = "roberta.encoder.layer.0.";
  for (const char* name : {"attention.self.query", "attention.self.key", "attention.self.value", "attention.output.dense"}) {
    shapes[layer + name + ".weight"] = {hidden, hidden};
    shapes[layer + name + ".bias"] = {hidden};
  }
  shapes[layer + "attention.output.LayerNorm.weight"] = {hidden};
  shapes[layer + "attention.output.LayerNorm.bias"] = {hidden};
  shapes[layer + "intermediate.dense.weight"] = {ffn, hidden};
  shapes[layer + "intermediate.dense.bias"] = {ffn};
  shapes[layer + "output.dense.weight"] = {hidden, ffn};
  shapes[layer + "output.dense.bias"] = {hidden};
  shapes[layer + "output.LayerNorm.weight"] = {hidden};
  shapes[layer + "output.LayerNorm.bias"] = {hidden};
  std::mt19937 random(7);
  std::normal_distribution<float> normal(0.0f, 0.5f);
  SafetensorsFile written;
  written.metadata["format"] = "pt";
  for (const auto& [name, shape] : shapes) {
    SafetensorsTensor t;
    t.name = name;
    t.shape = shape;
    std::vector<float> values(static_cast<size_t>(t.NumElements()));
    for (float& v : values) v = normal(random);
    t.data.assign(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(float));
    written.tensors.push_back(t);
  }
  CliHarness h("model_nodes_hf");
  fs::create_directories(h.dir() / "hf");
  ASSERT_TRUE(WriteSafetensors(written, (h.dir() / "hf" / "model.safetensors").string()).ok());
  h.Write("hf/config.json", R"({"architectures": ["XLMRobertaForMaskedLM"], "model_type": "xlm-roberta",
    "vocab_size": 20, "hidden_size": 8, "num_hidden_layers": 1, "num_attention_heads": 2,
    "intermediate_size": 16, "max_position_embeddings": 12, "pad_token_id": 1, "bos_token_id": 0,
    "eos_token_id": 2, "type_vocab_size": 1, "layer_norm_eps": 1e-05, "hidden_act": "gelu"})");
  h.Write("p.yaml", "nodes:\n"
                    "  in:\n"
                    "    type: import_hf\n"
                    "    params: {path: hf}\n"
                    "  out:\n"
                    "    type: export_hf\n"
                    "    inputs: {model: in}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  H5File bundle(ArtifactOf(h, r, "out", "hf"), H5File::Mode::kReadOnly);
  EXPECT_EQ(bundle.GetStringAttribute("/", "kind"), "files");
  H5Array bytes = bundle.Read("/files/model.safetensors");
  Result<SafetensorsFile> exported =
      ParseSafetensors(std::string(bytes.bytes.begin(), bytes.bytes.end()), "exported model.safetensors");
  ASSERT_TRUE(exported.ok()) << exported.status().message();
  for (const SafetensorsTensor& t : written.tensors) {
    const SafetensorsTensor* e = exported->Find(t.name);
    ASSERT_NE(e, nullptr) << t.name;
    EXPECT_EQ(e->shape, t.shape) << t.name;
    EXPECT_TRUE(e->data == t.data) << t.name;
  }
  H5Array config = bundle.Read("/files/config.json");
  const nlohmann::json json = nlohmann::json::parse(std::string(config.bytes.begin(), config.bytes.end()));
  EXPECT_EQ(json["hidden_size"], 8);
  EXPECT_EQ(json["vocab_size"], 20);

  // The key holds the directory's content: another weight file makes import_hf run again.
  written.tensors[0].data[0] ^= 1;
  ASSERT_TRUE(WriteSafetensors(written, (h.dir() / "hf" / "model.safetensors").string()).ok());
  CliResult changed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.Statuses().at("in"), "ran");
}

}  // namespace
}  // namespace xstilts
