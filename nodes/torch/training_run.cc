#include "nodes/torch/training_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>

#include <nlohmann/json.hpp>

#include "base/input_error.h"
#include "data/h5_file.h"
#include "nodes/torch/model_node_io.h"

namespace xstilts {

StepLog::StepLog(std::filesystem::path path) : path_(std::move(path)) {
  std::ifstream in(path_);
  for (std::string line; std::getline(in, line);) {
    // A line cut short by a killed process is dropped; its step is trained again.
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_array() || j.size() != 4) continue;
    Add({j[0].get<int64_t>(), j[1].get<double>(), j[2].get<double>(), j[3].get<double>(), 0.0});
  }
}

void StepLog::Add(const TrainProgress& progress) {
  while (!steps_.empty() && steps_.back().step >= progress.step) steps_.pop_back();
  steps_.push_back(progress);
}

void StepLog::Record(const TrainProgress& progress) {
  Add(progress);
  std::ofstream out(path_, std::ios::app);
  out << nlohmann::json::array({progress.step, progress.loss, progress.learning_rate, progress.grad_norm}).dump()
      << "\n";
}

TrainOptions CommonTrainOptions(NodeContext& ctx, int64_t seed) {
  const nlohmann::json& p = ctx.params();
  TrainOptions options;
  options.learning_rate = p["lr"].get<double>();
  options.adamw.weight_decay = p["weight_decay"].get<double>();
  options.max_grad_norm = p["grad_clip"].get<double>();
  options.seed = seed;
  options.checkpoint_every_steps = p["checkpoint_every"].get<int64_t>();
  options.checkpoint_path = (ctx.resume_dir() / "train.h5").string();
  options.num_threads = std::max(ctx.threads(), 1);
  options.device = p["device"].get<std::string>();
  options.bf16_autocast = p["bf16"].get<bool>();
  options.log_every_steps = 1;
  return options;
}

TrainResult RunTrainer(NodeContext& ctx, Trainer& trainer, BatchSource& source, int64_t max_steps, StepLog& log) {
  trainer.set_stop_requested([&ctx] { return ctx.cancelled(); });
  trainer.set_progress_callback([&](const TrainProgress& p) {
    log.Record(p);
    ctx.Progress(static_cast<double>(p.step) / static_cast<double>(max_steps),
                 fmt::format("step {}/{} loss {:.4f} lr {:.3g} {:.0f} tok/s", p.step, max_steps, p.loss,
                             p.learning_rate, p.tokens_per_second));
  });
  Result<TrainResult> result = trainer.Train(source);
  if (!result.ok()) {
    if (result.status().kind() == ErrorKind::kInvalidInput) throw InputError(result.status().message());
    throw std::runtime_error(result.status().message());
  }
  if (result->resumed_from_step > 0) {
    ctx.Log(fmt::format("resumed from the checkpoint of step {}", result->resumed_from_step));
  }
  return *result;
}

void WriteTrainingLog(const std::filesystem::path& path, const StepLog& log, const TrainResult& result,
                      const std::string& dev_metric) {
  std::vector<int64_t> step, dev_step;
  std::vector<double> loss, lr, grad_norm, dev_value;
  for (const TrainProgress& p : log.steps()) {
    step.push_back(p.step);
    loss.push_back(p.loss);
    lr.push_back(p.learning_rate);
    grad_norm.push_back(p.grad_norm);
  }
  for (const EvalRecord& e : result.evaluations) {
    dev_step.push_back(e.step);
    dev_value.push_back(e.metric);
  }
  H5File file(path, H5File::Mode::kCreate);
  file.SetAttribute("/", "kind", std::string("metrics"));
  file.SetAttribute("/", "steps", result.steps);
  file.SetAttribute("/", "stopped_early", int64_t{result.stopped_early ? 1 : 0});
  file.SetAttribute("/", "best_step", result.best_step);
  file.SetAttribute("/", "best_metric", result.best_metric);
  file.SetAttribute("/", "dev_metric", dev_metric);
  file.CreateGroup("/train");
  file.WriteVector("/train/step", step);
  file.WriteVector("/train/loss", loss);
  file.WriteVector("/train/learning_rate", lr);
  file.WriteVector("/train/grad_norm", grad_norm);
  file.CreateGroup("/dev");
  file.WriteVector("/dev/step", dev_step);
  file.WriteVector("/dev/metric", dev_value);
  file.Close();
}

void RecordTrainingCost(NodeContext& ctx, const TrainResult& result, const TaskModelImpl& model,
                        int64_t sequence_length, const torch::Device& device) {
  const int64_t parameters = ParameterCount(model);
  NodeCost& cost = ctx.cost();
  cost.tokens = static_cast<double>(result.tokens);
  cost.parameters = static_cast<double>(parameters);
  cost.flops = EncoderFlops(model.roberta->config(), parameters, cost.tokens, sequence_length, true);
  cost.device = device.str();
}

}  // namespace xstilts
