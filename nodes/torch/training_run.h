// What pretrain_mlm and train share around the Trainer (model/trainer.h): the per-step log
// that survives an interrupted run, progress reports, the cost record and the "metrics" artifact.
//
// Torch header. Called from the node body's thread only.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "graph/node_type.h"
#include "model/heads.h"
#include "model/trainer.h"

namespace xstilts {

// Per-update records, appended as JSON lines to `path` (in the node's resume directory) so that a
// resumed run's log holds the updates of the runs before it. Records of steps at or after a
// step that is trained again (after a resume from an earlier checkpoint) are replaced.
class StepLog {
 public:
  explicit StepLog(std::filesystem::path path);
  void Record(const TrainProgress& progress);
  const std::vector<TrainProgress>& steps() const { return steps_; }

 private:
  void Add(const TrainProgress& progress);
  std::filesystem::path path_;
  std::vector<TrainProgress> steps_;
};

// The options pretrain_mlm and train share, from their params (lr, weight_decay, grad_clip,
// checkpoint_every, device, bf16) and the node (threads, resume checkpoint path), with `seed`.
TrainOptions CommonTrainOptions(NodeContext& ctx, int64_t seed);

// Runs `trainer` on `source` with the node's cancel flag, progress display and step log.
// Returns the result (interrupted = true when the node was cancelled: the caller returns without
// writing outputs). Throws InputError for invalid options, std::runtime_error otherwise.
TrainResult RunTrainer(NodeContext& ctx, Trainer& trainer, BatchSource& source, int64_t max_steps, StepLog& log);

// Records the cost of a training run in ctx.cost(): the tokens `result` trained on, the model's
// parameters, training FLOPs at `sequence_length` (EncoderFlops, model_node_io.h), the device.
void RecordTrainingCost(NodeContext& ctx, const TrainResult& result, const TaskModelImpl& model,
                        int64_t sequence_length, const torch::Device& device);

// Writes the "metrics" artifact: root attributes kind = "metrics", best_step, best_metric,
// dev_metric (its name, "" without a dev set), steps, stopped_early; datasets /train/step,
// /train/loss, /train/learning_rate, /train/grad_norm (one row per update) and /dev/step,
// /dev/metric (one row per evaluation).
void WriteTrainingLog(const std::filesystem::path& path, const StepLog& log, const TrainResult& result,
                      const std::string& dev_metric);

}  // namespace xstilts
