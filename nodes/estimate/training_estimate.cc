#include "nodes/estimate/training_estimate.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "model/encoder_flops.h"
#include "model/task_sampler.h"
#include "nodes/estimate/model_shape.h"
#include "nodes/estimate/token_counts.h"

namespace xstilts {
namespace {

// Beyond this many micro-batches the tasks' shares are taken from their probabilities rather than
// replayed draw by draw (the difference is then far below the estimate's other uncertainties).
constexpr int64_t kReplayLimit = 10'000'000;

NodeEstimate Start(const LineageNode& node, bool training) {
  NodeEstimate e;
  e.name = node.name;
  e.type = node.type;
  e.training = training;
  return e;
}

// Tokens of `micro_batches` batches of `batch` rows drawn epoch after epoch (TensorBatchSource:
// a shuffled order per epoch, the last batch of an epoch short), at the data's mean row length.
double TaskTokens(const TokenCounts& c, double micro_batches, int64_t batch) {
  if (c.rows <= 0) return 0;
  const double per_epoch = std::ceil(c.rows / static_cast<double>(batch));
  const double full = std::floor(micro_batches / per_epoch);
  const double rest = micro_batches - full * per_epoch;
  const double rows = full * c.rows + std::min(rest * static_cast<double>(batch), c.rows);
  return rows * c.tokens / c.rows;
}

// A masked-LM corpus as MlmCorpusBatches packs it: rows of `length` tokens (0: the artifact's
// max_length, at most the model's positions), whole batches only once there is one.
struct PackedRows {
  double rows = 0;
  int64_t length = 0;
  double TokensPerBatch(int64_t batch) const { return std::min(rows, static_cast<double>(batch)) * length; }
};
PackedRows PackMlm(const TokenCounts& c, int64_t length, const EncoderConfig& config, int64_t batch) {
  PackedRows p;
  p.length = length > 0 ? length : std::min(c.max_length, config.MaxSequenceLength());
  if (p.length <= 0) return p;
  p.rows = std::floor(c.tokens / static_cast<double>(p.length));
  if (p.rows >= static_cast<double>(batch)) p.rows = std::floor(p.rows / static_cast<double>(batch)) * batch;
  return p;
}

// Micro-batches per task (the mlm corpus last), as train's MultiTaskBatchSource draws them.
std::vector<double> MicroBatchesPerTask(const std::vector<TokenCounts>& tasks, const nlohmann::json& p, double mlm_share,
                                        int64_t micro_batches) {
  if (tasks.size() == 1 && mlm_share <= 0) return {static_cast<double>(micro_batches)};
  std::vector<int64_t> sizes;
  for (const TokenCounts& t : tasks) sizes.push_back(std::llround(t.rows));
  Result<std::vector<double>> probabilities = TaskSamplingProbabilities(sizes, TaskSamplingOptionsFromParams(p));
  if (!probabilities.ok()) throw std::runtime_error(probabilities.status().message());
  if (mlm_share > 0) {
    for (double& share : *probabilities) share *= 1.0 - mlm_share;
    probabilities->push_back(mlm_share);
  }
  std::vector<double> counts(probabilities->size(), 0.0);
  if (micro_batches > kReplayLimit) {
    for (size_t i = 0; i < counts.size(); ++i) counts[i] = (*probabilities)[i] * static_cast<double>(micro_batches);
    return counts;
  }
  const TaskSampler sampler(*probabilities, p["seed"].get<uint64_t>());
  for (int64_t k = 0; k < micro_batches; ++k) counts[sampler.TaskForStep(k)] += 1;
  return counts;
}

}  // namespace

NodeEstimate EstimateTrain(const LineageMap& nodes, const LineageNode& node, const std::filesystem::path& pipeline_dir) {
  NodeEstimate e = Start(node, true);
  const ModelShape shape = ShapeOfModel(nodes, node.name, pipeline_dir);
  const nlohmann::json& p = node.params;
  const int64_t batch = p["batch_size"].get<int64_t>(), accumulation = p["grad_accumulation"].get<int64_t>();
  EstimateSource source = shape.source;
  std::string note = shape.note;
  std::vector<TokenCounts> tasks;
  double examples = 0;
  int64_t longest = 0;
  for (const std::string& name : InputsOf(node, "train")) {
    tasks.push_back(CountTokens(nodes, LineageAt(nodes, name)));
    examples += tasks.back().rows;
    longest = std::max(longest, tasks.back().longest);
    source = EstimateWeaker(source, tasks.back().source);
    note += "; " + name + ": " + tasks.back().note;
  }
  const double mlm_share = InputsOf(node, "mlm").empty() ? 0.0 : p["mlm_share"].get<double>();
  PackedRows mlm;
  if (mlm_share > 0) {
    const TokenCounts corpus = CountTokens(nodes, LineageAt(nodes, InputsOf(node, "mlm").front()));
    mlm = PackMlm(corpus, 0, shape.config, batch);
    longest = std::max(longest, mlm.length);
    source = EstimateWeaker(source, corpus.source);
  }
  e.source = source;
  e.note = note;
  if (source == EstimateSource::kUnknown || tasks.empty()) return e;
  e.steps = p["steps"].get<int64_t>();
  if (e.steps <= 0) {
    e.steps = static_cast<int64_t>(std::ceil(p["epochs"].get<double>() * examples /
                                             static_cast<double>(batch * accumulation) / (1.0 - mlm_share)));
  }
  const std::vector<double> batches = MicroBatchesPerTask(tasks, p, mlm_share, e.steps * accumulation);
  for (size_t i = 0; i < tasks.size(); ++i) e.tokens += TaskTokens(tasks[i], batches[i], batch);
  if (mlm_share > 0) e.tokens += batches.back() * mlm.TokensPerBatch(batch);
  e.parameters = shape.Parameters();
  e.sequence_length = longest;
  e.flops = EncoderFlops(shape.config, e.parameters, e.tokens, longest, true);
  e.upper_bound = !InputsOf(node, "dev").empty() && p["eval_every"].get<int64_t>() > 0 &&
                  p["early_stopping_patience"].get<int64_t>() > 0;
  return e;
}

NodeEstimate EstimatePretrainMlm(const LineageMap& nodes, const LineageNode& node,
                                 const std::filesystem::path& pipeline_dir) {
  NodeEstimate e = Start(node, true);
  const ModelShape shape = ShapeOfModel(nodes, node.name, pipeline_dir);
  const std::vector<std::string>& corpus_input = InputsOf(node, "tokens");
  if (corpus_input.empty()) return e;
  const TokenCounts corpus = CountTokens(nodes, LineageAt(nodes, corpus_input.front()));
  e.source = EstimateWeaker(shape.source, corpus.source);
  e.note = shape.note + "; " + corpus_input.front() + ": " + corpus.note;
  if (e.source == EstimateSource::kUnknown) return e;
  const nlohmann::json& p = node.params;
  const int64_t batch = p["batch_size"].get<int64_t>();
  const PackedRows rows = PackMlm(corpus, p["max_length"].get<int64_t>(), shape.config, batch);
  e.steps = p["steps"].get<int64_t>();
  e.tokens = static_cast<double>(e.steps) * rows.TokensPerBatch(batch);
  e.parameters = shape.Parameters();
  e.sequence_length = rows.length;
  e.flops = EncoderFlops(shape.config, e.parameters, e.tokens, rows.length, true);
  return e;
}

NodeEstimate EstimateInference(const LineageMap& nodes, const LineageNode& node,
                               const std::filesystem::path& pipeline_dir) {
  NodeEstimate e = Start(node, false);
  const std::vector<std::string>& model = InputsOf(node, "model");
  if (model.empty()) return e;
  const ModelShape shape = ShapeOfModel(nodes, model.front(), pipeline_dir);
  e.source = shape.source;
  e.note = shape.note;
  const int64_t batch = node.params.value("batch_size", int64_t{64});
  for (const std::string& name : InputsOf(node, "tokens")) {
    const TokenCounts counts = CountTokens(nodes, LineageAt(nodes, name));
    e.source = EstimateWeaker(e.source, counts.source);
    e.note += "; " + name + ": " + counts.note;
    if (node.type != "retrieve" || counts.lengths.empty()) {
      e.tokens += counts.tokens;  // retrieve without the artifact: its padding is not counted
      continue;
    }
    // retrieve computes padded batches of `batch_size` consecutive sentences.
    for (size_t first = 0; first < counts.lengths.size(); first += static_cast<size_t>(batch)) {
      const size_t n = std::min(counts.lengths.size() - first, static_cast<size_t>(batch));
      e.tokens += static_cast<double>(n) *
                  static_cast<double>(*std::max_element(counts.lengths.begin() + static_cast<std::ptrdiff_t>(first),
                                                        counts.lengths.begin() + static_cast<std::ptrdiff_t>(first + n)));
    }
  }
  if (e.source == EstimateSource::kUnknown) return e;
  e.parameters = shape.Parameters();
  e.sequence_length = kInferenceFlopsSequenceLength;
  e.flops = EncoderFlops(shape.config, e.parameters, e.tokens, e.sequence_length, false);
  return e;
}

}  // namespace xstilts
