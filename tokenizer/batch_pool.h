// BatchPool<T>: recycles the batches of a tbb::parallel_pipeline, so a long stream allocates only
// while the pool fills up. The pool owns every batch, so batches in flight when an exception
// cancels the pipeline are not leaked. Thread-safe.
//
// StageHandoff: each stage calls Pass() on a batch when it takes it and when it hands it on.
// libtbb orders the stages, but it is not built with ThreadSanitizer, which then cannot see that
// one stage's writes to a batch come before the next stage's reads; an acquire-release
// read-modify-write on the batch at each hand-off makes that order visible (one uncontended
// atomic per stage, nothing next to encoding a batch).
//
// SerialStageOrder: a serial_in_order stage (the reader, the writer) runs one item at a time, but
// each time possibly on another worker thread; libtbb orders those runs, and the pipeline's end
// before the caller reads the stage's results, unseen by ThreadSanitizer. The stage holds Hold()
// while it runs (one uncontended mutex per batch), and the caller takes Hold() once after the
// pipeline returned, before it reads or destroys what the stage wrote.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <vector>

namespace xstilts {

struct StageHandoff {
  std::atomic<uint32_t> passes{0};
  void Pass() { passes.fetch_add(1, std::memory_order_acq_rel); }
};

class SerialStageOrder {
 public:
  [[nodiscard]] std::unique_lock<std::mutex> Hold() { return std::unique_lock<std::mutex>(mutex_); }

 private:
  std::mutex mutex_;
};

template <typename T>
class BatchPool {
 public:
  BatchPool() = default;
  // Acquires what the last Give() released, so the batches die after their last use.
  ~BatchPool() { std::lock_guard<std::mutex> lock(mutex_); }
  BatchPool(const BatchPool&) = delete;
  BatchPool& operator=(const BatchPool&) = delete;

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
