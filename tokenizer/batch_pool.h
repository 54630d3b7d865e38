// BatchPool<T>: recycles the batches of a tbb::parallel_pipeline, so a long stream allocates only
// while the pool fills up. The pool owns every batch, so batches in flight when an exception
// cancels the pipeline are not leaked. Thread-safe.
#pragma once

#include <memory>
#include <mutex>
#include <vector>

namespace xstilts {

template <typename T>
class BatchPool {
 public:
  // A free batch (as it was given back, not cleared), or a new one.
  T* Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) {
      all_.push_back(std::make_unique<T>());
      return all_.back().get();
    }
    T* batch = free_.back();
    free_.pop_back();
    return batch;
  }
  void Give(T* batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(batch);
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<T>> all_;
  std::vector<T*> free_;
};

}  // namespace xstilts
