// MultiTaskBatchSource: one stream of batches drawn from several task sources, the task of each
// step chosen by a TaskSampler (proportional, capped, temperature, uniform), each batch tagged
// with its task name so TaskModel routes it to the right head.
//
// Torch header. Owns its task sources. State() concatenates every task source's state with the
// step counter, so a resumed run draws the same batches.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "model/batch.h"
#include "model/task_sampler.h"

namespace xstilts {

class MultiTaskBatchSource : public BatchSource {
 public:
  struct Task {
    std::string name;
    std::unique_ptr<BatchSource> source;
  };
  MultiTaskBatchSource(std::vector<Task> tasks, TaskSampler sampler);
  Batch Next() override;
  std::vector<int64_t> State() const override;  // per task: length, state...; then the step
  Status Restore(const std::vector<int64_t>& state) override;

 private:
  std::vector<Task> tasks_;
  TaskSampler sampler_;
  int64_t step_ = 0;
};

}  // namespace xstilts
