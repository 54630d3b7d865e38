// Trainer: the training step loop, independent of the pipeline framework.
//
// Per update: `gradient_accumulation_steps` micro-batches (loss / accumulation, backward), global
// gradient-norm clipping, AdamW (FlatAdamW: no decay on biases and LayerNorm weights) at the
// linear warmup + decay rate. Every `eval_every_steps` the evaluator runs (model in eval mode,
// no grad); the best-scoring weights are kept and restored at the end, and training stops early
// after `early_stopping_patience` evaluations without improvement. Every
// `checkpoint_every_steps` a resume checkpoint is written atomically to `checkpoint_path`; a new
// Train() finds it and continues.
//
// Determinism: before micro-batch k Torch's generator is seeded from (seed, k), batch order lives
// in BatchSource::State(), the schedule is a function of the step, and the optimizer moments and
// best weights are in the checkpoint. So on the CPU, with the same thread count, a run that is
// interrupted and resumed ends with weights bit-identical to an uninterrupted run.
//
// Torch header. Train() runs on the calling thread; callbacks are called on it.
#pragma once

#include <torch/torch.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "model/batch.h"
#include "model/flat_adamw.h"
#include "model/model_weights.h"

namespace xstilts {

struct TrainOptions {
  double learning_rate = 2e-5;
  AdamWOptions adamw;
  int64_t max_steps = 1000;                // optimizer updates
  int64_t warmup_steps = 0;                // linear warmup from 0, then linear decay to 0
  double max_grad_norm = 1.0;              // <= 0: no clipping
  int64_t gradient_accumulation_steps = 1;
  uint64_t seed = 0;
  int64_t eval_every_steps = 0;            // 0: evaluate once, after the last step
  int64_t early_stopping_patience = 0;     // evaluations without improvement; 0: never stop early
  int64_t checkpoint_every_steps = 0;      // 0: no periodic resume checkpoints
  std::string checkpoint_path;             // resume checkpoint (.h5/.hdf5: HDF5, else safetensors)
  int num_threads = 0;                     // > 0: torch::set_num_threads(num_threads)
  std::string device = "auto";             // auto | cpu | cuda
  bool bf16_autocast = false;              // CUDA only: bf16 autocast for the forward pass
  int64_t log_every_steps = 10;            // progress callback period (and after the last step)
};

struct TrainProgress {
  int64_t step = 0;  // updates done
  double loss = 0;   // mean loss of the last update
  double learning_rate = 0;
  double grad_norm = 0;          // before clipping; 0 when clipping is off
  double tokens_per_second = 0;  // non-padding tokens since the previous report
};

struct EvalRecord {
  int64_t step = 0;
  double metric = 0;
};

struct TrainResult {
  int64_t steps = 0;             // updates done in total (including before a resume)
  int64_t resumed_from_step = 0; // 0 when started fresh
  bool stopped_early = false;
  bool interrupted = false;      // stop_requested() said so; a checkpoint was written if configured
  int64_t best_step = -1;        // -1: no evaluation ran
  double best_metric = 0;
  std::vector<EvalRecord> evaluations;
  int64_t tokens = 0;            // non-padding tokens trained on in this call
  double seconds = 0;            // wall time of this call
};

// Loss of one (device-resident) batch, model in train mode.
using LossFn = std::function<torch::Tensor(const Batch&)>;
// Dev metric, higher is better; called with the model in eval mode under NoGradGuard.
using EvalFn = std::function<double()>;

// "auto" -> CUDA when this LibTorch has it and a GPU is visible, else CPU. kInvalidInput for an
// unknown name or "cuda" without CUDA.
Result<torch::Device> ResolveDevice(const std::string& name);

class Trainer {
 public:
  Trainer(std::shared_ptr<torch::nn::Module> model, LossFn loss, TrainOptions options);
  void set_evaluator(EvalFn evaluate) { evaluate_ = std::move(evaluate); }
  void set_progress_callback(std::function<void(const TrainProgress&)> callback) { progress_ = std::move(callback); }
  // Polled after every update; when it returns true Train() writes a checkpoint (if a path is
  // set) and returns with interrupted = true.
  void set_stop_requested(std::function<bool()> stop) { stop_requested_ = std::move(stop); }

  // Moves the model to the device, builds the optimizer, resumes from checkpoint_path if it
  // exists, and trains. Errors: kInvalidInput (options, device), kCorrupt (checkpoint),
  // kIo, kFailed (non-finite loss). Call once per Trainer.
  Result<TrainResult> Train(BatchSource& source);

 private:
  std::shared_ptr<torch::nn::Module> model_;
  LossFn loss_;
  TrainOptions options_;
  EvalFn evaluate_;
  std::function<void(const TrainProgress&)> progress_;
  std::function<bool()> stop_requested_;
};

// A training checkpoint: named tensors (`model/...`, `optimizer/...`, `best/...`) and JSON
// attributes (trainer state). A path ending in .h5 / .hdf5 is an HDF5 artifact (layout in
// checkpoint_h5.h); any other path is safetensors with the attributes under the metadata key
// "xstilts". Both are written to a temporary file and renamed into place.
struct TrainingCheckpoint {
  NamedTensors tensors;
  nlohmann::json attributes = nlohmann::json::object();
};
Status SaveTrainingCheckpoint(const TrainingCheckpoint& checkpoint, const std::string& path);
Result<TrainingCheckpoint> LoadTrainingCheckpoint(const std::string& path);

}  // namespace xstilts
