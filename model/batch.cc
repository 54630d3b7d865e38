#include "model/batch.h"

#include <numeric>
#include <random>

#include "model/multitask_source.h"

namespace xstilts {
namespace {

Status BadState(const std::string& what) {
  return Status::Error(ErrorKind::kInvalidInput, "batch source state: " + what);
}

}  // namespace

int64_t Batch::NumTokens() const {
  if (attention_mask.defined()) return attention_mask.sum().item<int64_t>();
  return input_ids.defined() ? input_ids.numel() : 0;
}

Batch Batch::To(const torch::Device& device) const {
  auto move = [&](const torch::Tensor& t) { return t.defined() ? t.to(device, /*non_blocking=*/true) : t; };
  Batch out;
  out.task = task;
  out.input_ids = move(input_ids);
  out.attention_mask = move(attention_mask);
  out.token_type_ids = move(token_type_ids);
  out.labels = move(labels);
  out.start_positions = move(start_positions);
  out.end_positions = move(end_positions);
  return out;
}

TensorBatchSource::TensorBatchSource(Batch examples, int64_t batch_size, bool shuffle, uint64_t seed)
    : examples_(std::move(examples)),
      size_(examples_.input_ids.size(0)),
      batch_size_(batch_size),
      shuffle_(shuffle),
      seed_(seed) {
  StartEpoch();
}

void TensorBatchSource::StartEpoch() {
  std::vector<int64_t> order(size_);
  std::iota(order.begin(), order.end(), 0);
  if (shuffle_) {
    std::mt19937_64 rng(MixSeed(seed_, static_cast<uint64_t>(epoch_)));
    // Fisher-Yates by hand: std::shuffle's algorithm is not specified by the standard.
    for (int64_t i = size_ - 1; i > 0; --i) {
      std::swap(order[i], order[rng() % static_cast<uint64_t>(i + 1)]);
    }
  }
  order_ = torch::tensor(order, torch::kLong);
}

Batch TensorBatchSource::Next() {
  if (position_ >= size_) {
    ++epoch_;
    position_ = 0;
    StartEpoch();
  }
  const int64_t end = std::min(position_ + batch_size_, size_);
  torch::Tensor index = order_.slice(0, position_, end);
  position_ = end;
  auto take = [&](const torch::Tensor& t) { return t.defined() ? t.index_select(0, index) : t; };
  Batch batch;
  batch.task = examples_.task;
  batch.input_ids = take(examples_.input_ids);
  batch.attention_mask = take(examples_.attention_mask);
  batch.token_type_ids = take(examples_.token_type_ids);
  batch.labels = take(examples_.labels);
  batch.start_positions = take(examples_.start_positions);
  batch.end_positions = take(examples_.end_positions);
  return batch;
}

std::vector<int64_t> TensorBatchSource::State() const { return {epoch_, position_}; }

Status TensorBatchSource::Restore(const std::vector<int64_t>& state) {
  if (state.size() != 2 || state[0] < 0 || state[1] < 0 || state[1] > size_) {
    return BadState("expected {epoch, position} with position <= " + std::to_string(size_));
  }
  epoch_ = state[0];
  position_ = state[1];
  StartEpoch();
  return Status::Ok();
}

MultiTaskBatchSource::MultiTaskBatchSource(std::vector<Task> tasks, TaskSampler sampler)
    : tasks_(std::move(tasks)), sampler_(std::move(sampler)) {}

Batch MultiTaskBatchSource::Next() {
  Task& task = tasks_[sampler_.TaskForStep(step_++)];
  Batch batch = task.source->Next();
  batch.task = task.name;
  return batch;
}

std::vector<int64_t> MultiTaskBatchSource::State() const {
  std::vector<int64_t> state;
  for (const Task& task : tasks_) {
    std::vector<int64_t> inner = task.source->State();
    state.push_back(static_cast<int64_t>(inner.size()));
    state.insert(state.end(), inner.begin(), inner.end());
  }
  state.push_back(step_);
  return state;
}

Status MultiTaskBatchSource::Restore(const std::vector<int64_t>& state) {
  size_t at = 0;
  for (Task& task : tasks_) {
    if (at >= state.size() || state[at] < 0 || at + 1 + state[at] > state.size()) {
      return BadState("too short for task '" + task.name + "'");
    }
    std::vector<int64_t> inner(state.begin() + at + 1, state.begin() + at + 1 + state[at]);
    at += 1 + state[at];
    XSTILTS_RETURN_IF_ERROR(task.source->Restore(inner).WithContext("task '" + task.name + "'"));
  }
  if (at + 1 != state.size()) return BadState("expected the step counter after the task states");
  step_ = state[at];
  return Status::Ok();
}

}  // namespace xstilts
