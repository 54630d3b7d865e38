// The body of retrieve (descriptor: nodes/retrieve_node.cc): sentence retrieval with mean-pooled
// hidden states, no training (Tatoeba top-1 accuracy, BUCC bitext mining F1).
#include <fmt/format.h>

#include <numeric>
#include <set>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "data/h5_file.h"
#include "data/metrics_table.h"
#include "data/token_dataset.h"
#include "eval/metrics_accuracy.h"
#include "eval/metrics_bucc.h"
#include "nodes/evaluation/retrieval.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/torch_node_bodies.h"

namespace xstilts {
namespace {

struct SideEmbeddings {
  torch::Tensor source, target;  // [n, H] L2-normalised, rows by sentence_index
};

SideEmbeddings Embed(NodeContext& ctx, TaskModelImpl& model, const TokenDataset& tokens, int64_t layer,
                     int64_t batch_size, const torch::Device& device, const std::string& source) {
  const TokenFeatures& f = tokens.features;
  if (tokens.info.task != TaskType::kParallelSentences) {
    throw InputError(source + ": retrieve needs parallel sentences, got task " + TaskTypeName(tokens.info.task));
  }
  const int64_t pad = tokens.info.pad_id >= 0 ? tokens.info.pad_id : 1;
  int64_t n_source = 0, n_target = 0;
  for (size_t i = 0; i < f.size(); ++i) {
    (f.side[i] == 0 ? n_source : n_target) = std::max(f.side[i] == 0 ? n_source : n_target, f.sentence_index[i] + 1);
  }
  if (n_source == 0 || n_target == 0) throw InputError(source + ": one side has no sentences");
  const int64_t hidden = model.roberta->config().hidden_size;
  SideEmbeddings out{torch::zeros({n_source, hidden}), torch::zeros({n_target, hidden})};
  for (size_t first = 0; first < f.size(); first += static_cast<size_t>(batch_size)) {
    if (ctx.cancelled()) throw std::runtime_error("cancelled");
    const size_t n = std::min(f.size() - first, static_cast<size_t>(batch_size));
    int64_t length = 0;
    for (size_t i = first; i < first + n; ++i) length = std::max(length, f.Length(i));
    torch::Tensor ids = torch::full({static_cast<int64_t>(n), length}, pad, torch::kLong);
    torch::Tensor mask = torch::zeros({static_cast<int64_t>(n), length}, torch::kLong);
    auto a = ids.accessor<int64_t, 2>();
    auto m = mask.accessor<int64_t, 2>();
    for (size_t r = 0; r < n; ++r) {
      for (int64_t t = 0; t < f.Length(first + r); ++t) {
        a[r][t] = f.input_ids[f.offsets[first + r] + t];
        m[r][t] = 1;
      }
    }
    ctx.cost().tokens += static_cast<double>(n) * static_cast<double>(length);  // padded positions computed
    const torch::Tensor e = SentenceEmbeddings(model.roberta, ids.to(device), mask.to(device), layer).to(torch::kCPU, torch::kFloat);
    for (size_t r = 0; r < n; ++r) {
      (f.side[first + r] == 0 ? out.source : out.target)[f.sentence_index[first + r]].copy_(e[r]);
    }
    ctx.Progress(static_cast<double>(first + n) / static_cast<double>(f.size()), fmt::format("{} sentences", first + n));
  }
  out.source = NormalizeRows(out.source).to(device);
  out.target = NormalizeRows(out.target).to(device);
  return out;
}

struct PredictionRows {
  std::vector<std::string> language, source, target;
  std::vector<double> score;
};

struct BuccSide {
  BuccCandidates candidates;
  std::set<BuccPair> gold;
};

BuccSide MineCandidates(const SideEmbeddings& e, const ParallelSentences& p, int64_t k) {
  const std::vector<MinedPair> mined = MineBitext(e.source, e.target, k);
  std::vector<TextCandidate> text;
  for (const MinedPair& m : mined) text.push_back({m.score, p.source_texts.at(m.source), p.target_texts.at(m.target)});
  BuccSide out;
  out.candidates = BuccCandidatesFromText(text, BuccSentenceToId(p.source_ids, p.source_texts),
                                          BuccSentenceToId(p.target_ids, p.target_texts));
  for (const auto& [s, t] : p.gold) out.gold.insert({p.source_ids.at(s), p.target_ids.at(t)});
  return out;
}

void RunRetrieve(NodeContext& ctx) {
  const nlohmann::json& p = ctx.params();
  torch::set_num_threads(std::max(ctx.threads(), 1));
  ModelArtifact artifact;
  TaskModel model = LoadModelForInference(ctx.input("model"), p["device"].get<std::string>(), &artifact);
  const torch::Device device = NodeDevice(p["device"].get<std::string>());
  const int64_t layer = p["layer"].get<int64_t>(), k = p["k"].get<int64_t>(), batch_size = p["batch_size"].get<int64_t>();
  if (layer < 0 || layer > artifact.config.num_hidden_layers) {
    throw InputError(fmt::format("layer: {} is not in [0, {}] (0 = embeddings)", layer, artifact.config.num_hidden_layers));
  }
  if (k <= 0 || batch_size <= 0) throw InputError("k and batch_size: must be positive");
  const std::string mode = p["mode"].get<std::string>();

  const auto tokens = ctx.inputs("tokens"), examples = ctx.inputs("examples");
  const auto dev_tokens = ctx.inputs("dev_tokens"), dev_examples = ctx.inputs("dev_examples");
  if (tokens.size() != examples.size()) {
    throw InputError(fmt::format("examples: {} artifacts for {} tokens artifacts (one each, in the same order)", examples.size(), tokens.size()));
  }
  if (dev_tokens.size() != dev_examples.size() || (!dev_tokens.empty() && dev_tokens.size() != tokens.size())) {
    throw InputError("dev_tokens and dev_examples: one of each per tokens input, in the same order");
  }
  MetricsTable table;
  table.task = mode;
  table.metric_names = mode == "tatoeba" ? std::vector<std::string>{"accuracy"}
                                         : std::vector<std::string>{"f1", "precision", "recall", "threshold"};
  PredictionRows rows;
  std::vector<double> chances;  // Tatoeba: a uniform guess among a language's candidates
  for (size_t i = 0; i < tokens.size(); ++i) {
    const Examples ex = ReadExamples(examples[i]);
    if (ex.task != TaskType::kParallelSentences) throw InputError(examples[i].string() + ": not parallel sentences");
    const ParallelSentences& par = ex.parallel;
    const SideEmbeddings e = Embed(ctx, *model, ReadTokenDataset(tokens[i]), layer, batch_size, device, tokens[i].string());
    if (e.source.size(0) != static_cast<int64_t>(par.source_ids.size()) ||
        e.target.size(0) != static_cast<int64_t>(par.target_ids.size())) {
      throw InputError(fmt::format("{}: {} + {} sentences, the tokens have {} + {}", examples[i].string(), par.source_ids.size(),
                                   par.target_ids.size(), e.source.size(0), e.target.size(0)));
    }
    const std::string language = par.source_language;
    if (mode == "tatoeba") {
      const TopK top = BlockedTopK(e.source, e.target, 1);
      const torch::Tensor best = top.indices.select(1, 0).to(torch::kCPU).contiguous();
      const torch::Tensor score = top.scores.select(1, 0).to(torch::kCPU, torch::kDouble).contiguous();
      std::vector<int64_t> gold, predicted;
      for (const auto& [s, t] : par.gold) {
        gold.push_back(t);
        predicted.push_back(best[s].item<int64_t>());
      }
      if (gold.empty()) throw InputError(examples[i].string() + ": no gold pairs to score");
      table.AddRow(language, {TatoebaAccuracy(gold, predicted).accuracy});
      chances.push_back(100.0 / static_cast<double>(par.target_ids.size()));
      for (int64_t s = 0; s < best.size(0); ++s) {
        rows.language.push_back(language);
        rows.source.push_back(par.source_ids[s]);
        rows.target.push_back(par.target_ids[best[s].item<int64_t>()]);
        rows.score.push_back(score[s].item<double>());
      }
    } else {
      const BuccSide test = MineCandidates(e, par, k);
      if (test.gold.empty()) throw InputError(examples[i].string() + ": no gold pairs to score");
      double threshold = 0;
      if (!dev_tokens.empty()) {
        const Examples dev_ex = ReadExamples(dev_examples[i]);
        const SideEmbeddings dev_e = Embed(ctx, *model, ReadTokenDataset(dev_tokens[i]), layer, batch_size, device, dev_tokens[i].string());
        const BuccSide dev = MineCandidates(dev_e, dev_ex.parallel, k);
        threshold = BuccSelectOnDevApplyToTest(dev.candidates, dev.gold, test.candidates).threshold;
      } else {
        threshold = BuccOptimizeThreshold(test.candidates, test.gold);
        ctx.Log(language + ": no dev set; the threshold is optimised on the scored set itself");
      }
      const BuccEvaluation score = BuccEvaluate(test.candidates, test.gold, threshold);
      table.AddRow(language, {score.score.f1, score.score.precision, score.score.recall, threshold});
      for (const ScoredCandidate& c : test.candidates.items()) {
        if (c.score < threshold) continue;
        rows.language.push_back(language);
        rows.source.push_back(c.pair.first);
        rows.target.push_back(c.pair.second);
        rows.score.push_back(c.score);
      }
    }
    ctx.Log(fmt::format("{} {} {:.2f}", language, table.metric_names[0], table.rows.back()[0]));
  }
  {
    H5File file(ctx.output("predictions"), H5File::Mode::kCreate);
    file.SetAttribute("/", "kind", std::string("predictions"));
    file.SetAttribute("/", "task", mode);
    file.SetAttribute("/", "task_type", std::string("parallel_sentences"));
    file.WriteStrings("/language", rows.language);
    file.WriteStrings("/source_id", rows.source);
    file.WriteStrings("/target_id", rows.target);
    file.WriteVector("/score", rows.score);
  }
  if (!chances.empty()) table.chance = std::accumulate(chances.begin(), chances.end(), 0.0) / static_cast<double>(chances.size());
  WriteMetricsArtifact(table, ctx.output("metrics"));
  WriteMetricsJson(table, ctx.run_dir(), ctx.node_name());
  ctx.cost().parameters = static_cast<double>(ParameterCount(*model));
  ctx.cost().flops = EncoderFlops(artifact.config, ParameterCount(*model), ctx.cost().tokens, kInferenceFlopsSequenceLength, false);
  ctx.cost().device = device.str();
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("retrieve", RunRetrieve);

}  // namespace xstilts
