// More of the train node through the CLI: Ctrl-C and resume, several tasks, init encoder/full,
// early stopping, span QA and multiple choice. Tiny models, a few dozen examples.
#include <signal.h>
#include <sys/types.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "data/h5_file.h"
#include "data/token_dataset.h"
#include "tests/integration/cli_harness.h"
#include "tests/nodes/model_test_support.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::ArtifactOf;
using testing::CliHarness;
using testing::CliResult;
using testing::LogColumn;
using testing::ModelTensors;
using testing::NodeMessages;

// XNLI pairs, a tokenizer, their tokens, a tiny encoder and 8 masked-LM steps.
std::string Upstream(const fs::path& xnli) { return testing::XnliUpstream(xnli, 8, 0); }

// One more dataset node and its tokens (with the XNLI tokenizer): `name` and `name`_tok.
std::string MoreData(const std::string& name, const std::string& format, const fs::path& path, int limit) {
  return "  " + name + ":\n"
         "    type: dataset\n"
         "    params: {format: " + format + ", path: " + path.string() + ", limit: " + std::to_string(limit) + "}\n"
         "  " + name + "_tok:\n"
         "    type: tokenize\n"
         "    inputs: {examples: " + name + ", tokenizer: spm}\n"
         "    params: {max_length: 32}\n";
}

std::string TrainNode(const std::string& name, const std::string& inputs, const std::string& params) {
  return "  " + name + ":\n"
         "    type: train\n"
         "    inputs: {" + inputs + "}\n"
         "    params: {" + std::string(params.find("batch_size:") == std::string::npos ? "batch_size: 8, " : "") +
         (params.find("lr:") == std::string::npos ? "lr: 1.0e-3, " : "") + "device: cpu, seed: 3, " + params + "}\n"
         "    resources: {threads: 1}\n";
}

size_t TensorBytes(const std::map<std::string, std::string>& tensors, const std::string& name) {
  auto it = tensors.find(name);
  return it == tensors.end() ? 0 : it->second.size();
}

// Ctrl-C during `train` once a checkpoint exists: exit 130, nothing published for the node; the
// rerun continues from the checkpoint and ends with the weights of a run never interrupted.
TEST(ModelNodesMore, InterruptedTrainingResumesToTheSameWeights) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  const std::string pipeline =
      Upstream(xnli) + TrainNode("cls", "model: mlm, train: tok", "steps: 150, checkpoint_every: 5");
  CliHarness straight("model_more_straight"), stopped("model_more_sigint");
  straight.Write("p.yaml", pipeline);
  CliResult a = straight.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;

  stopped.Write("up.yaml", Upstream(xnli));
  ASSERT_EQ(stopped.Run({"run", "up.yaml"}).exit_code, 0);
  stopped.Write("p.yaml", pipeline);
  const pid_t pid = stopped.Start({"run", "p.yaml", "--json"}, "first");
  bool checkpoint = false;
  for (int i = 0; i < 20000 && !checkpoint; ++i) {
    std::error_code ec;
    for (fs::recursive_directory_iterator it(stopped.cache() / "resume", ec), end; !ec && it != end; it.increment(ec)) {
      if (it->path().filename() == "train.h5") checkpoint = true;
    }
    if (!checkpoint) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(checkpoint) << "no training checkpoint appeared";
  ::kill(pid, SIGINT);
  CliResult first = stopped.Wait(pid, "first");
  ASSERT_EQ(first.exit_code, 130) << first.out << first.err;
  EXPECT_EQ(first.Statuses().at("cls"), "skipped");
  const std::string key = testing::KeyOf(first, "cls");
  EXPECT_FALSE(fs::exists(testing::EntryOf(stopped, first, "cls")));
  EXPECT_TRUE(fs::exists(stopped.cache() / "resume" / key / "train.h5")) << "the checkpoint is kept for the rerun";

  CliResult b = stopped.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  EXPECT_EQ(b.Statuses().at("cls"), "ran");
  EXPECT_EQ(testing::KeyOf(b, "cls"), key);
  const std::vector<std::string> progress = NodeMessages(b, "cls", "progress");
  ASSERT_FALSE(progress.empty());
  EXPECT_EQ(progress[0].rfind("step ", 0), 0u) << progress[0];
  EXPECT_NE(progress[0].rfind("step 1/", 0), 0u) << progress[0];
  const std::vector<std::string> lines = NodeMessages(b, "cls", "log");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(lines[0].rfind("resumed from the checkpoint of step ", 0), 0u) << lines[0];

  EXPECT_EQ(ModelTensors(ArtifactOf(straight, a, "cls", "model")), ModelTensors(ArtifactOf(stopped, b, "cls", "model")));
  EXPECT_EQ(LogColumn(ArtifactOf(straight, a, "cls", "log"), "/train/loss"),
            LogColumn(ArtifactOf(stopped, b, "cls", "log"), "/train/loss"));
}

// XNLI (32 pairs) and PAN-X (8 sentences) in one `train`: a head for each, the draw of tasks as
// `sampling` says, and another `sampling` makes the node run again.
TEST(ModelNodesMore, MultiTaskTrainingHasAHeadPerTask) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  XSTILTS_SHARED_DATA_OR_SKIP(panx, "panx/xtreme/dev-en.tsv");
  CliHarness h("model_more_multitask");
  auto pipeline = [&](const std::string& sampling) {
    return Upstream(xnli) + MoreData("panx", "panx", panx, 8) +
           TrainNode("multi", "model: mlm, train: [tok, panx_tok]", "steps: 12, checkpoint_every: 0, sampling: " + sampling);
  };
  h.Write("p.yaml", pipeline("temperature"));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // The shares come from the features (a long sentence can make more than one).
  const double xnli_rows = static_cast<double>(ReadTokenDataset(ArtifactOf(h, r, "tok", "tokens")).features.size());
  const double panx_rows = static_cast<double>(ReadTokenDataset(ArtifactOf(h, r, "panx_tok", "tokens")).features.size());
  EXPECT_EQ(xnli_rows, 32);
  EXPECT_GE(panx_rows, 8);
  auto shares = [&](double x, double p) {
    char line[80];
    std::snprintf(line, sizeof line, "task sampling: xnli %.3f, panx %.3f", x / (x + p), p / (x + p));
    return std::vector<std::string>{line};
  };
  // temperature 2: p ∝ sqrt(n)
  EXPECT_EQ(NodeMessages(r, "multi", "log"), shares(std::sqrt(xnli_rows), std::sqrt(panx_rows)));
  const std::map<std::string, std::string> tensors = ModelTensors(ArtifactOf(h, r, "multi", "model"));
  EXPECT_EQ(TensorBytes(tensors, "heads.xnli.out_proj.weight"), 3u * 32 * sizeof(float));
  EXPECT_EQ(TensorBytes(tensors, "heads.panx.classifier.weight"), 7u * 32 * sizeof(float));
  EXPECT_TRUE(tensors.count("roberta.encoder.layer.1.output.dense.weight"));
  const fs::path log = ArtifactOf(h, r, "multi", "log");
  H5File log_file(log, H5File::Mode::kReadOnly);
  EXPECT_EQ(log_file.ReadVector<int64_t>("/train/step"), (std::vector<int64_t>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}));
  EXPECT_EQ(log_file.GetIntAttribute("/", "steps"), 12);
  EXPECT_EQ(LogColumn(log, "/train/loss").size(), 12u);

  h.Write("p.yaml", pipeline("proportional"));
  CliResult changed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  for (const auto& [node, status] : changed.Statuses()) EXPECT_EQ(status, node == "multi" ? "ran" : "cached") << node;
  EXPECT_EQ(NodeMessages(changed, "multi", "log"), shares(xnli_rows, panx_rows));
  EXPECT_NE(ModelTensors(ArtifactOf(h, changed, "multi", "model")), tensors);
}

// Masked-LM training on a (German) corpus alongside XNLI, as the paper's "MLM during intermediate
// training" experiment: the mlm input is its own task with head `mlm`, drawn for mlm_share of the
// updates; without a share (or a share without the input) the pipeline is refused at load.
TEST(ModelNodesMore, AnMlmCorpusTrainsAlongsideTheTasks) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  XSTILTS_SHARED_DATA_OR_SKIP(xnli_de, "xnli/xtreme/dev-de.tsv");
  CliHarness h("model_more_mlm_mixture");
  const std::string base = Upstream(xnli) + MoreData("corpus", "xnli", xnli_de, 40);
  h.Write("p.yaml", base + TrainNode("mixed", "model: mlm, train: tok, mlm: corpus_tok",
                                     "steps: 12, checkpoint_every: 0, mlm_share: 0.25"));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::vector<std::string> log = NodeMessages(r, "mixed", "log");
  ASSERT_EQ(log.size(), 2u) << ::testing::PrintToString(log);
  EXPECT_EQ(log[0].rfind("mlm: ", 0), 0u) << log[0];
  EXPECT_NE(log[0].find(" sequences of 32 tokens, 0.250 of the updates"), std::string::npos) << log[0];
  EXPECT_EQ(log[1], "task sampling: xnli 0.750, mlm 0.250");
  const std::map<std::string, std::string> trained = ModelTensors(ArtifactOf(h, r, "mixed", "model"));
  const std::map<std::string, std::string> start = ModelTensors(ArtifactOf(h, r, "mlm", "model"));
  ASSERT_TRUE(trained.count("heads.xnli.out_proj.weight"));
  ASSERT_TRUE(trained.count("heads.mlm.dense.weight") && start.count("heads.mlm.dense.weight"));
  EXPECT_NE(trained.at("heads.mlm.dense.weight"), start.at("heads.mlm.dense.weight")) << "the MLM head trained";

  // The same node without the corpus is another key (and no mlm head is added).
  h.Write("p.yaml", base + TrainNode("mixed", "model: mlm, train: tok", "steps: 12, checkpoint_every: 0"));
  CliResult plain = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(plain.exit_code, 0) << plain.err;
  EXPECT_EQ(plain.Statuses()["mixed"], "ran");

  h.Write("p.yaml", base + TrainNode("mixed", "model: mlm, train: tok, mlm: corpus_tok", "steps: 12"));
  CliResult unshared = h.Run({"run", "p.yaml"});
  EXPECT_EQ(unshared.exit_code, 2);
  EXPECT_NE(unshared.err.find("node 'mixed': an mlm input needs mlm_share, the share of the updates it gets"),
            std::string::npos)
      << unshared.err;
  h.Write("p.yaml", base + TrainNode("mixed", "model: mlm, train: tok", "steps: 12, mlm_share: 0.2"));
  CliResult no_corpus = h.Run({"run", "p.yaml"});
  EXPECT_EQ(no_corpus.exit_code, 2);
  EXPECT_NE(no_corpus.err.find("p.yaml:"), std::string::npos) << no_corpus.err;
  EXPECT_NE(no_corpus.err.find("mlm_share needs an mlm input (a corpus)"), std::string::npos) << no_corpus.err;
}

// A model trained on XNLI (3 labels, head `xnli`) trains further on PAWS-X (2 labels) under the
// head name `xnli`: with init encoder the head starts anew; with init full the sizes clash.
TEST(ModelNodesMore, InitEncoderReplacesHeadsAndInitFullRejectsOtherSizes) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  XSTILTS_SHARED_DATA_OR_SKIP(pawsx, "pawsx/xtreme/dev-en.tsv");
  CliHarness h("model_more_init");
  auto pipeline = [&](const std::string& init) {
    return Upstream(xnli) + MoreData("pawsx", "pawsx", pawsx, 16) +
           TrainNode("cls", "model: mlm, train: tok", "steps: 4, checkpoint_every: 0") +
           TrainNode("again", "model: cls, train: pawsx_tok", "steps: 4, checkpoint_every: 0, tasks: [xnli], init: " + init);
  };
  h.Write("p.yaml", pipeline("encoder"));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(TensorBytes(ModelTensors(ArtifactOf(h, r, "cls", "model")), "heads.xnli.out_proj.weight"), 3u * 32 * sizeof(float));
  const std::map<std::string, std::string> again = ModelTensors(ArtifactOf(h, r, "again", "model"));
  EXPECT_EQ(TensorBytes(again, "heads.xnli.out_proj.weight"), 2u * 32 * sizeof(float));
  EXPECT_EQ(again.size(), ModelTensors(ArtifactOf(h, r, "cls", "model")).size());

  const std::string text = pipeline("full");
  h.Write("p.yaml", text);
  // The node is named by where it is declared.
  const std::string line = std::to_string(1 + std::count(text.begin(), text.begin() + text.find("\n  again:") + 1, '\n'));
  CliResult full = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(full.exit_code, 1) << full.out << full.err;
  EXPECT_EQ(full.Statuses().at("again"), "failed");
  const std::string model = ArtifactOf(h, r, "cls", "model").string();
  std::string message;
  const nlohmann::json json = full.Json();
  for (const auto& n : json["nodes"]) {
    if (n["name"] == "again") message = n.value("message", "");
  }
  EXPECT_EQ(message, "node 'again' (p.yaml:" + line + ":3): " + model +
                         ": head 'xnli' is sequence_classification with 3 labels, the training data needs "
                         "sequence_classification with 2 (use init: encoder, or another task name)");
}

// A dev set, evaluations every 2 updates and patience 2: with a learning rate too small to change
// a prediction, the first evaluation stays the best and training stops two evaluations later.
TEST(ModelNodesMore, EarlyStoppingIsRecordedInTheLog) {
  XSTILTS_SHARED_DATA_OR_SKIP(xnli, "xnli/xtreme/dev-en.tsv");
  CliHarness h("model_more_early");
  h.Write("p.yaml", Upstream(xnli) + TrainNode("cls", "model: mlm, train: tok, dev: tok",
                                                 "steps: 40, lr: 1.0e-9, eval_every: 2, early_stopping_patience: 2, "
                                                 "checkpoint_every: 0"));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  H5File log(ArtifactOf(h, r, "cls", "log"), H5File::Mode::kReadOnly);
  EXPECT_EQ(log.GetIntAttribute("/", "stopped_early"), 1);
  EXPECT_EQ(log.GetIntAttribute("/", "best_step"), 2);
  EXPECT_EQ(log.GetIntAttribute("/", "steps"), 6);
  EXPECT_EQ(log.ReadVector<int64_t>("/dev/step"), (std::vector<int64_t>{2, 4, 6}));
  const std::vector<double> dev = log.ReadVector<double>("/dev/metric");
  ASSERT_EQ(dev.size(), 3u);
  EXPECT_EQ(dev[1], dev[0]);
  EXPECT_EQ(dev[2], dev[0]);
  EXPECT_EQ(log.GetDoubleAttribute("/", "best_metric"), dev[0]);
  EXPECT_EQ(log.ReadVector<int64_t>("/train/step").size(), 6u);
  char line[80];
  std::snprintf(line, sizeof line, "best accuracy %.4f at step 2 (stopped early)", dev[0]);
  EXPECT_EQ(NodeMessages(r, "cls", "log"), std::vector<std::string>{line});
}

// Span QA (4 XQuAD questions, windows of 48 tokens) and multiple choice (the 2 HellaSwag
// examples, 4 endings each) through `train` with a dev set: the heads of their kinds and a log.
TEST(ModelNodesMore, SpanQaAndMultipleChoiceTrain) {
  XSTILTS_SHARED_DATA_OR_SKIP(xquad, "xquad/xquad.en.json");
  XSTILTS_SHARED_DATA_OR_SKIP(hellaswag, "hellaswag/specimen/hellaswag_val.jsonl");
  CliHarness h("model_more_qa_mc");
  h.Write("p.yaml", "nodes:\n"
                    "  xquad:\n"
                    "    type: dataset\n"
                    "    params: {format: xquad, path: " + xquad.string() + ", limit: 4}\n"
                    "  hellaswag:\n"
                    "    type: dataset\n"
                    "    params: {format: hellaswag, path: " + hellaswag.string() + "}\n"
                    "  spm:\n"
                    "    type: train_tokenizer\n"
                    "    inputs: {corpus: [xquad, hellaswag]}\n"
                    "    params: {model_type: bpe, vocab_size: 300}\n"
                    "  xquad_tok:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: xquad, tokenizer: spm}\n"
                    "    params: {max_length: 48, doc_stride: 24, max_query_length: 16}\n"
                    "  hellaswag_tok:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: hellaswag, tokenizer: spm}\n"
                    "    params: {max_length: 48}\n"
                    "  init:\n"
                    "    type: init_model\n"
                    "    inputs: {tokenizer: spm}\n"
                    "    params: {layers: 1, hidden: 32, heads: 2, ffn: 64, max_positions: 64, seed: 1}\n" +
                    TrainNode("qa", "model: init, train: xquad_tok, dev: xquad_tok", "steps: 4, checkpoint_every: 0") +
                    TrainNode("mc", "model: init, train: hellaswag_tok, dev: hellaswag_tok",
                              "steps: 4, batch_size: 2, checkpoint_every: 0"));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;

  const std::map<std::string, std::string> qa = ModelTensors(ArtifactOf(h, r, "qa", "model"));
  EXPECT_EQ(TensorBytes(qa, "heads.xquad.qa_outputs.weight"), 2u * 32 * sizeof(float));
  const std::map<std::string, std::string> mc = ModelTensors(ArtifactOf(h, r, "mc", "model"));
  EXPECT_EQ(TensorBytes(mc, "heads.hellaswag.dense.weight"), 32u * 32 * sizeof(float));
  EXPECT_EQ(TensorBytes(mc, "heads.hellaswag.classifier.weight"), 1u * 32 * sizeof(float));
  for (const auto& [node, metric] : std::map<std::string, std::string>{{"qa", "start_end_accuracy"}, {"mc", "accuracy"}}) {
    const fs::path path = ArtifactOf(h, r, node, "log");
    H5File log(path, H5File::Mode::kReadOnly);
    EXPECT_EQ(log.GetStringAttribute("/", "dev_metric"), metric) << node;
    EXPECT_EQ(log.ReadVector<int64_t>("/dev/step"), std::vector<int64_t>{4}) << node;
    const std::vector<double> loss = LogColumn(path, "/train/loss");
    ASSERT_EQ(loss.size(), 4u) << node;
    for (double l : loss) EXPECT_TRUE(std::isfinite(l) && l > 0) << node << " " << l;
  }
}

}  // namespace
}  // namespace xstilts
