#include "model/trainer.h"

#include <ATen/autocast_mode.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <limits>

#include "model/checkpoint_h5.h"
#include "model/lr_schedule.h"
#include "model/task_sampler.h"

namespace xstilts {
namespace {

constexpr const char* kModelPrefix = "model/";
constexpr const char* kOptimizerPrefix = "optimizer/";
constexpr const char* kBestPrefix = "best/";
constexpr int kCheckpointFormat = 1;

bool StartsWith(const std::string& s, const std::string& prefix) { return s.rfind(prefix, 0) == 0; }

NamedTensors WithPrefix(const std::string& prefix, const NamedTensors& tensors, bool strip) {
  NamedTensors out;
  for (const auto& [name, tensor] : tensors) {
    if (!strip) {
      out.emplace_back(prefix + name, tensor);
    } else if (StartsWith(name, prefix)) {
      out.emplace_back(name.substr(prefix.size()), tensor);
    }
  }
  return out;
}

// Scoped bf16 autocast for the forward pass on CUDA.
class AutocastScope {
 public:
  explicit AutocastScope(bool enabled) : enabled_(enabled) {
    if (!enabled_) return;
    previous_ = at::autocast::is_enabled();
    at::autocast::set_autocast_gpu_dtype(at::kBFloat16);
    at::autocast::set_enabled(true);
    at::autocast::increment_nesting();
  }
  ~AutocastScope() {
    if (!enabled_) return;
    if (at::autocast::decrement_nesting() == 0) at::autocast::clear_cache();
    at::autocast::set_enabled(previous_);
  }

 private:
  bool enabled_;
  bool previous_ = false;
};

}  // namespace

Result<torch::Device> ResolveDevice(const std::string& name) {
  if (name == "cpu") return torch::Device(torch::kCPU);
  if (name == "cuda" || name == "auto") {
    if (torch::cuda::is_available()) return torch::Device(torch::kCUDA, 0);
    if (name == "auto") return torch::Device(torch::kCPU);
    return Status::Error(ErrorKind::kInvalidInput,
                         "device: \"cuda\" requested but this LibTorch has no CUDA or no GPU is visible");
  }
  return Status::Error(ErrorKind::kInvalidInput, "device: expected auto, cpu or cuda, got \"" + name + "\"");
}

bool IsH5Path(const std::string& path) {
  const std::string ext = std::filesystem::path(path).extension().string();
  return ext == ".h5" || ext == ".hdf5";
}

Status SaveTrainingCheckpoint(const TrainingCheckpoint& checkpoint, const std::string& path) {
  if (IsH5Path(path)) return SaveCheckpointH5(checkpoint, path);
  return SaveTensors(checkpoint.tensors, {{"xstilts", checkpoint.attributes.dump()}}, path);
}

Result<TrainingCheckpoint> LoadTrainingCheckpoint(const std::string& path) {
  if (IsH5Path(path)) return LoadCheckpointH5(path);
  std::map<std::string, std::string> metadata;
  auto tensors = LoadTensors(path, &metadata);
  if (!tensors.ok()) return tensors.status();
  TrainingCheckpoint out;
  out.tensors = std::move(tensors).value();
  auto it = metadata.find("xstilts");
  if (it == metadata.end()) return Status::Error(ErrorKind::kCorrupt, path + ": no \"xstilts\" metadata (not a training checkpoint)");
  out.attributes = nlohmann::json::parse(it->second, nullptr, false);
  if (out.attributes.is_discarded() || !out.attributes.is_object()) {
    return Status::Error(ErrorKind::kCorrupt, path + ": \"xstilts\" metadata is not a JSON object");
  }
  return out;
}

Trainer::Trainer(std::shared_ptr<torch::nn::Module> model, LossFn loss, TrainOptions options)
    : model_(std::move(model)), loss_(std::move(loss)), options_(std::move(options)) {}

namespace {

// What a run carries from update to update, and through a checkpoint.
struct TrainState {
  TrainResult result;
  int64_t bad_evaluations = 0;
  double best_metric = -std::numeric_limits<double>::infinity();
  NamedTensors best_weights;
};

Status CheckOptions(const TrainOptions& o) {
  auto invalid = [](const std::string& what) { return Status::Error(ErrorKind::kInvalidInput, what); };
  if (o.max_steps <= 0) return invalid("max_steps: must be positive");
  if (o.gradient_accumulation_steps <= 0) return invalid("gradient_accumulation_steps: must be positive");
  if (o.warmup_steps < 0) return invalid("warmup_steps: must not be negative");
  if (!(o.learning_rate > 0)) return invalid("learning_rate: must be positive");
  return Status::Ok();
}

// Loads model, optimizer, data position and trainer state from the checkpoint at o.checkpoint_path.
Status RestoreCheckpoint(const TrainOptions& o, torch::nn::Module& model, FlatAdamW& optimizer, BatchSource& source,
                         TrainState& state) {
  auto checkpoint = LoadTrainingCheckpoint(o.checkpoint_path);
  if (!checkpoint.ok()) return checkpoint.status();
  const nlohmann::json& a = checkpoint->attributes;
  try {
    if (a.at("format").get<int>() != kCheckpointFormat) {
      return Status::Error(ErrorKind::kCorrupt, o.checkpoint_path + ": unknown checkpoint format " + a.at("format").dump());
    }
    auto loaded = LoadIntoModule(model, WithPrefix(kModelPrefix, checkpoint->tensors, true), o.checkpoint_path,
                                 LoadOptions{false, false, kModelPrefix});
    if (!loaded.ok()) return loaded.status();
    XSTILTS_RETURN_IF_ERROR(optimizer.LoadStateTensors(
        WithPrefix(kOptimizerPrefix, checkpoint->tensors, true), o.checkpoint_path));
    XSTILTS_RETURN_IF_ERROR(source.Restore(a.at("source_state").get<std::vector<int64_t>>())
                                .WithContext(o.checkpoint_path));
    TrainResult& result = state.result;
    result.resumed_from_step = a.at("step").get<int64_t>();
    state.bad_evaluations = a.at("bad_evaluations").get<int64_t>();
    result.best_step = a.at("best_step").get<int64_t>();
    if (result.best_step >= 0) state.best_metric = a.at("best_metric").get<double>();
    for (const auto& e : a.at("evaluations")) result.evaluations.push_back({e.at(0).get<int64_t>(), e.at(1).get<double>()});
    state.best_weights = CloneTensors(WithPrefix(kBestPrefix, checkpoint->tensors, true));
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(ErrorKind::kCorrupt, o.checkpoint_path + ": trainer state: " + e.what());
  }
  return Status::Ok();
}

Status SaveCheckpoint(const TrainOptions& o, torch::nn::Module& model, const FlatAdamW& optimizer,
                      const BatchSource& source, const TrainState& state, int64_t step) {
  if (o.checkpoint_path.empty()) return Status::Ok();
  TrainingCheckpoint checkpoint;
  checkpoint.tensors = WithPrefix(kModelPrefix, ModuleTensors(model), false);
  for (auto& item : WithPrefix(kOptimizerPrefix, optimizer.StateTensors(), false)) checkpoint.tensors.push_back(item);
  for (auto& item : WithPrefix(kBestPrefix, state.best_weights, false)) checkpoint.tensors.push_back(item);
  nlohmann::json evaluations = nlohmann::json::array();
  for (const EvalRecord& e : state.result.evaluations) evaluations.push_back({e.step, e.metric});
  checkpoint.attributes = {{"format", kCheckpointFormat},
                           {"step", step},
                           {"seed", o.seed},
                           {"source_state", source.State()},
                           {"bad_evaluations", state.bad_evaluations},
                           {"best_step", state.result.best_step},
                           {"best_metric", state.result.best_step >= 0 ? state.best_metric : 0.0},
                           {"evaluations", evaluations}};
  return SaveTrainingCheckpoint(checkpoint, o.checkpoint_path);
}

// Evaluates on the dev set and keeps the best weights.
void Evaluate(torch::nn::Module& model, const EvalFn& evaluate, int64_t step, TrainState& state) {
  model.eval();
  double metric;
  {
    torch::NoGradGuard no_grad;
    metric = evaluate();
  }
  model.train();
  state.result.evaluations.push_back({step, metric});
  if (metric > state.best_metric) {
    state.best_metric = metric;
    state.result.best_step = step;
    state.bad_evaluations = 0;
    state.best_weights = CloneTensors(ModuleTensors(model));
  } else {
    ++state.bad_evaluations;
  }
}

// The loss of one update (the mean over its micro-batches), with its gradients accumulated;
// adds the tokens seen to `tokens`. Fails when the loss is not finite.
Result<double> AccumulateGradients(const TrainOptions& o, const LossFn& loss_fn, BatchSource& source,
                                   const torch::Device& device, int64_t step, int64_t& tokens) {
  double loss_sum = 0;
  for (int64_t micro = 0; micro < o.gradient_accumulation_steps; ++micro) {
    torch::manual_seed(MixSeed(o.seed, static_cast<uint64_t>(step * o.gradient_accumulation_steps + micro)));
    Batch batch = source.Next().To(device);
    torch::Tensor loss;
    {
      AutocastScope autocast(o.bf16_autocast);
      loss = loss_fn(batch);
    }
    (loss / static_cast<double>(o.gradient_accumulation_steps)).backward();
    const double value = loss.item<double>();
    if (!std::isfinite(value)) {
      return Status::Error(ErrorKind::kFailed, "training diverged: loss is " + std::to_string(value) +
                                                   " at step " + std::to_string(step + 1));
    }
    loss_sum += value / static_cast<double>(o.gradient_accumulation_steps);
    tokens += batch.NumTokens();
  }
  return loss_sum;
}

}  // namespace

Result<TrainResult> Trainer::Train(BatchSource& source) {
  const TrainOptions& o = options_;
  XSTILTS_RETURN_IF_ERROR(CheckOptions(o));
  auto device = ResolveDevice(o.device);
  if (!device.ok()) return device.status();
  if (o.bf16_autocast && !device->is_cuda()) {
    return Status::Error(ErrorKind::kInvalidInput, "bf16_autocast: needs a CUDA device");
  }
  if (o.num_threads > 0) torch::set_num_threads(o.num_threads);

  model_->to(*device);
  FlatAdamW optimizer(model_->named_parameters().pairs(), o.adamw);
  const LinearWarmupDecay schedule(o.learning_rate, o.warmup_steps, o.max_steps);

  TrainState state;
  TrainResult& result = state.result;
  if (!o.checkpoint_path.empty() && std::filesystem::exists(o.checkpoint_path)) {
    XSTILTS_RETURN_IF_ERROR(RestoreCheckpoint(o, *model_, optimizer, source, state));
  }
  const auto stop_early = [&] {
    return o.early_stopping_patience > 0 && state.bad_evaluations >= o.early_stopping_patience;
  };

  const auto start = std::chrono::steady_clock::now();
  auto report_time = start;
  int64_t report_tokens = 0;
  model_->train();
  int64_t step = result.resumed_from_step;
  // A checkpoint written when early stopping fired resumes as finished.
  result.stopped_early = stop_early();
  while (step < o.max_steps && !result.stopped_early) {
    optimizer.ZeroGrad();
    int64_t tokens = 0;
    Result<double> loss = AccumulateGradients(o, loss_, source, *device, step, tokens);
    if (!loss.ok()) return loss.status();
    report_tokens += tokens;
    result.tokens += tokens;
    const double grad_norm = o.max_grad_norm > 0 ? optimizer.ClipGradNorm(o.max_grad_norm) : 0.0;
    const double lr = schedule.LearningRate(step);
    optimizer.Step(lr);
    ++step;

    if (progress_ && (step % std::max<int64_t>(o.log_every_steps, 1) == 0 || step == o.max_steps)) {
      const auto now = std::chrono::steady_clock::now();
      const double seconds = std::chrono::duration<double>(now - report_time).count();
      progress_({step, *loss, lr, grad_norm, seconds > 0 ? report_tokens / seconds : 0.0});
      // Time spent in the callback itself is not training time.
      report_time = std::chrono::steady_clock::now();
      report_tokens = 0;
    }
    if (evaluate_ && ((o.eval_every_steps > 0 && step % o.eval_every_steps == 0) || step == o.max_steps)) {
      Evaluate(*model_, evaluate_, step, state);
      result.stopped_early = stop_early();
    }
    if ((o.checkpoint_every_steps > 0 && step % o.checkpoint_every_steps == 0) || result.stopped_early) {
      XSTILTS_RETURN_IF_ERROR(SaveCheckpoint(o, *model_, optimizer, source, state, step));
    }
    if (result.stopped_early) break;
    if (stop_requested_ && stop_requested_() && step < o.max_steps) {
      XSTILTS_RETURN_IF_ERROR(SaveCheckpoint(o, *model_, optimizer, source, state, step));
      result.interrupted = true;
      break;
    }
  }
  result.steps = step;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (result.best_step >= 0) {
    result.best_metric = state.best_metric;
    if (!result.interrupted) {
      auto restored = LoadIntoModule(*model_, state.best_weights, "best weights");
      if (!restored.ok()) return restored.status();
    }
  }
  return result;
}

}  // namespace xstilts
