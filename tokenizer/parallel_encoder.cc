#include "tokenizer/parallel_encoder.h"

#include "tokenizer/batch_pool.h"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <atomic>
#include <memory>
#include <mutex>

namespace xstilts {
namespace {

struct Batch {
  uint64_t first_index = 0;
  std::string text;                // the batch's texts, back to back
  std::vector<size_t> text_ends;   // end of text i in `text`
  Encoding tokens;                 // tokens of all texts, back to back
  std::vector<size_t> token_ends;  // end of text i's tokens in `tokens`
  Status status;
  StageHandoff handoff;

  void Reset(size_t batch_bytes) {
    // A batch that once held an oversized text gives the memory back instead of keeping it.
    if (text.capacity() > 4 * batch_bytes) std::string().swap(text);
    if (tokens.ids.capacity() > 4 * batch_bytes) tokens = Encoding();
    text.clear();
    text_ends.clear();
    tokens.clear();
    token_ends.clear();
    status = Status::Ok();
  }
};

// Encodes the batch's texts; stops at the first failure, recorded in batch.status.
void EncodeBatch(const SentencePieceModel& model, Batch& batch) {
  size_t begin = 0;
  batch.token_ends.reserve(batch.text_ends.size());
  for (size_t end : batch.text_ends) {
    const std::string_view text(batch.text.data() + begin, end - begin);
    batch.status = model.EncodeAppend(text, &batch.tokens);
    if (!batch.status.ok()) {
      batch.status = batch.status.WithContext("text " + std::to_string(batch.first_index + batch.token_ends.size()));
      return;
    }
    batch.token_ends.push_back(batch.tokens.size());
    begin = end;
  }
}

}  // namespace

Result<EncodeStats> EncodeStream(const SentencePieceModel& model, const TextReader& read,
                                 const EncodedTextWriter& write,
                                 const ParallelEncodeOptions& options) {
  const int threads =
      options.num_threads > 0 ? options.num_threads : tbb::this_task_arena::max_concurrency();
  const size_t in_flight =
      options.batches_in_flight > 0 ? options.batches_in_flight : 4 * static_cast<size_t>(threads);
  const size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  const size_t batch_texts = std::max<size_t>(options.batch_texts, 1);

  BatchPool<Batch> pool;
  EncodeStats stats;
  Status failure;
  std::atomic<bool> stop{false};
  uint64_t next_index = 0;
  bool input_done = false;
  std::string scratch;
  SerialStageOrder reader_order;
  SerialStageOrder writer_order;

  auto reader = [&](tbb::flow_control& fc) -> Batch* {
    auto held = reader_order.Hold();
    if (input_done || stop.load(std::memory_order_acquire)) {
      fc.stop();
      return nullptr;
    }
    Batch* batch = pool.Take();
    batch->handoff.Pass();
    batch->Reset(batch_bytes);
    batch->first_index = next_index;
    while (batch->text.size() < batch_bytes && batch->text_ends.size() < batch_texts) {
      scratch.clear();
      if (!read(&scratch)) {
        input_done = true;
        break;
      }
      batch->text += scratch;
      batch->text_ends.push_back(batch->text.size());
    }
    if (batch->text_ends.empty()) {
      pool.Give(batch);
      fc.stop();
      return nullptr;
    }
    next_index += batch->text_ends.size();
    batch->handoff.Pass();
    return batch;
  };

  auto encoder = [&](Batch* batch) -> Batch* {
    batch->handoff.Pass();
    EncodeBatch(model, *batch);
    batch->handoff.Pass();
    return batch;
  };

  auto writer = [&](Batch* batch) {
    auto held = writer_order.Hold();
    batch->handoff.Pass();
    if (failure.ok() && !batch->status.ok()) failure = batch->status;
    // Texts encoded before a failure inside this batch are still written, in order.
    size_t text_begin = 0;
    size_t token_begin = 0;
    for (size_t i = 0; failure.ok() && i < batch->token_ends.size(); ++i) {
      EncodedText out;
      out.index = batch->first_index + i;
      out.text =
          std::string_view(batch->text.data() + text_begin, batch->text_ends[i] - text_begin);
      out.ids = batch->tokens.ids.data() + token_begin;
      out.begins = batch->tokens.begins.data() + token_begin;
      out.ends = batch->tokens.ends.data() + token_begin;
      out.size = batch->token_ends[i] - token_begin;
      Status written = write(out);
      if (!written.ok()) {
        failure = written.WithContext("text " + std::to_string(out.index));
        break;
      }
      ++stats.texts;
      stats.tokens += out.size;
      stats.bytes += out.text.size();
      text_begin = batch->text_ends[i];
      token_begin = batch->token_ends[i];
    }
    if (!failure.ok()) stop.store(true, std::memory_order_release);
    pool.Give(batch);
  };

  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(
        in_flight, tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order, reader) &
                       tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, encoder) &
                       tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, writer));
  });
  auto reader_done = reader_order.Hold();
  auto writer_done = writer_order.Hold();
  if (!failure.ok()) return failure;
  return stats;
}

Result<std::vector<Encoding>> EncodeAll(const SentencePieceModel& model,
                                        const std::vector<std::string>& texts,
                                        const ParallelEncodeOptions& options) {
  std::vector<Encoding> result(texts.size());
  size_t next = 0;
  auto read = [&](std::string* text) {
    if (next == texts.size()) return false;
    *text = texts[next++];
    return true;
  };
  auto write = [&](const EncodedText& t) {
    Encoding& e = result[t.index];
    e.ids.assign(t.ids, t.ids + t.size);
    e.begins.assign(t.begins, t.begins + t.size);
    e.ends.assign(t.ends, t.ends + t.size);
    return Status::Ok();
  };
  auto stats = EncodeStream(model, read, write, options);
  if (!stats.ok()) return stats.status();
  return result;
}

}  // namespace xstilts
