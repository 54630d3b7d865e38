#include "nodes/tokenize_stream.h"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <memory>
#include <mutex>

#include "nodes/tokenizer/id_layout.h"

namespace xstilts {
namespace {

struct Batch {
  uint64_t first = 0;
  uint64_t count = 0;
  TokenFeatures features;
  FeatureCounts counts;
};

// Owns every batch, so batches in flight when an exception cancels the pipeline are not leaked;
// batches are reused so that their buffers keep their capacity.
class BatchPool {
 public:
  Batch* Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (free_.empty()) {
      all_.push_back(std::make_unique<Batch>());
      return all_.back().get();
    }
    Batch* batch = free_.back();
    free_.pop_back();
    return batch;
  }
  void Give(Batch* batch) {
    std::lock_guard<std::mutex> lock(mutex_);
    free_.push_back(batch);
  }

 private:
  std::mutex mutex_;
  std::vector<std::unique_ptr<Batch>> all_;
  std::vector<Batch*> free_;
};

// Bytes of text an example contributes, to size runs.
size_t TextBytes(const Example& e) {
  size_t bytes = e.text_a.size() + e.text_b.size() + e.context.size() + e.question.size();
  for (const std::string& t : e.tokens) bytes += t.size() + 1;
  for (const std::string& c : e.choices) bytes += c.size() + e.context.size() + e.question.size();
  return bytes;
}

}  // namespace

uint64_t TokenDatasetExamples(const Examples& examples) {
  if (examples.task == TaskType::kParallelSentences) {
    return examples.parallel.source_texts.size() + examples.parallel.target_texts.size();
  }
  return examples.examples.size();
}

void TokenDatasetExampleRows(const Examples& examples, std::vector<std::string>* ids,
                             std::vector<std::string>* languages) {
  ids->clear();
  languages->clear();
  if (examples.task == TaskType::kParallelSentences) {
    const ParallelSentences& p = examples.parallel;
    ids->insert(ids->end(), p.source_ids.begin(), p.source_ids.end());
    ids->insert(ids->end(), p.target_ids.begin(), p.target_ids.end());
    languages->insert(languages->end(), p.source_ids.size(), p.source_language);
    languages->insert(languages->end(), p.target_ids.size(), p.target_language);
    return;
  }
  for (const Example& e : examples.examples) {
    ids->push_back(e.id);
    languages->push_back(e.language);
  }
}

TokenDatasetInfo MakeTokenDatasetInfo(const Examples& examples, const SentencePieceModel& model,
                                      const FeatureBuilder& builder) {
  TokenDatasetInfo info;
  const TokenizeOptions& o = builder.options();
  info.task = examples.task;
  info.format = examples.format;
  info.labels = builder.labels();
  info.max_length = o.max_length;
  info.truncation = TruncationName(o.truncation);
  if (examples.task == TaskType::kSpanQa) {
    info.doc_stride = o.doc_stride;
    info.max_query_length = o.max_query_length;
  }
  info.label_all_subtokens = examples.task == TaskType::kTagging && o.label_all_subtokens;
  info.id_layout = IdLayoutName(model.layout());
  info.vocab_size = model.VocabSize();
  const SpecialIds& ids = model.special_ids();
  info.pad_id = ids.pad;
  info.bos_id = ids.bos;
  info.eos_id = ids.eos;
  info.unk_id = ids.unk;
  info.mask_id = ids.mask;
  if (examples.task == TaskType::kParallelSentences) {
    info.source_language = examples.parallel.source_language;
    info.target_language = examples.parallel.target_language;
    info.source_sentences = static_cast<int64_t>(examples.parallel.source_texts.size());
  }
  return info;
}

TokenizeStats TokenizeExamples(const Examples& examples, const FeatureBuilder& builder, TokenDatasetWriter& writer,
                               const TokenizeStreamOptions& options) {
  const int threads = options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  const size_t in_flight =
      options.batches_in_flight > 0 ? options.batches_in_flight : 2 * static_cast<size_t>(threads) + 2;
  const size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  const uint64_t total = TokenDatasetExamples(examples);
  const bool parallel = examples.task == TaskType::kParallelSentences;
  const ParallelSentences& p = examples.parallel;
  const uint64_t sources = p.source_texts.size();

  const auto text_bytes = [&](uint64_t row) -> size_t {
    if (!parallel) return TextBytes(examples.examples[row]);
    return row < sources ? p.source_texts[row].size() : p.target_texts[row - sources].size();
  };

  BatchPool pool;
  TokenizeStats stats;
  uint64_t next = 0;

  auto take = [&](tbb::flow_control& fc) -> Batch* {
    if (next == total || (options.cancelled && options.cancelled())) {
      stats.cancelled = next < total;
      fc.stop();
      return nullptr;
    }
    Batch* batch = pool.Take();
    batch->features.clear();
    batch->counts = FeatureCounts();
    batch->first = next;
    size_t bytes = 0;
    while (next < total && bytes < batch_bytes) bytes += text_bytes(next++) + 1;
    batch->count = next - batch->first;
    return batch;
  };

  auto build = [&](Batch* batch) -> Batch* {
    for (uint64_t row = batch->first; row < batch->first + batch->count; ++row) {
      const auto index = static_cast<int64_t>(row);
      if (!parallel) {
        builder.AddExample(examples.examples[row], index, &batch->features, &batch->counts);
      } else if (row < sources) {
        builder.AddSentence(p.source_texts[row], 0, index, index, &batch->features, &batch->counts);
      } else {
        builder.AddSentence(p.target_texts[row - sources], 1, index - static_cast<int64_t>(sources), index,
                            &batch->features, &batch->counts);
      }
    }
    return batch;
  };

  auto write = [&](Batch* batch) {
    writer.Append(batch->features);
    stats.examples += batch->count;
    stats.features += batch->features.size();
    stats.tokens += batch->features.num_tokens();
    stats.counts.Add(batch->counts);
    const uint64_t done = batch->first + batch->count;
    pool.Give(batch);
    if (options.progress) options.progress(done, total);
  };

  tbb::task_arena arena(threads);
  arena.execute([&] {
    tbb::parallel_pipeline(in_flight, tbb::make_filter<void, Batch*>(tbb::filter_mode::serial_in_order, take) &
                                          tbb::make_filter<Batch*, Batch*>(tbb::filter_mode::parallel, build) &
                                          tbb::make_filter<Batch*, void>(tbb::filter_mode::serial_in_order, write));
  });
  return stats;
}

}  // namespace xstilts
