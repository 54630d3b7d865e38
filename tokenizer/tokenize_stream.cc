#include "tokenizer/tokenize_stream.h"
#include "tokenizer/batch_pool.h"

#include <tbb/parallel_pipeline.h>
#include <tbb/task_arena.h>

#include <algorithm>
#include <iterator>
#include <memory>
#include <mutex>

#include "tokenizer/id_layout.h"

namespace xstilts {
namespace {

struct Batch {
  uint64_t first = 0;
  uint64_t count = 0;
  // The run's examples: the caller's, or `owned` when they were read from an ExamplesReader.
  // Null for parallel sentences.
  const Example* examples = nullptr;
  std::vector<Example> owned;
  TokenFeatures features;
  FeatureCounts counts;
  StageHandoff handoff;
};


// Bytes of text an example contributes, to size runs.
size_t TextBytes(const Example& e) {
  size_t bytes = e.text_a.size() + e.text_b.size() + e.context.size() + e.question.size();
  for (const std::string& t : e.tokens) bytes += t.size() + 1;
  for (const std::string& c : e.choices) bytes += c.size() + e.context.size() + e.question.size();
  return bytes;
}

// Rows of the id and language columns read at a time.
constexpr uint64_t kIdRows = 1 << 16;
// Text that one read of an ExamplesReader aims at: enough for several runs, small next to them
// all (the number of examples per read adapts to their size).
constexpr size_t kReadBytes = 256 * 1024;
constexpr uint64_t kMaxReadRows = 4096;

// Takes runs of examples from an ExamplesReader, reading it a block at a time. The runs are cut
// by text size alone, so they are the same whatever the block size.
class ReaderSource {
 public:
  explicit ReaderSource(const ExamplesReader& reader) : reader_(reader) {}

  // Moves the next examples into batch->owned until they hold `batch_bytes` of text.
  void Fill(Batch* batch, size_t batch_bytes) {
    batch->owned.clear();
    size_t bytes = 0;
    while (next_ < reader_.size() && bytes < batch_bytes) {
      if (pos_ == block_.size()) ReadBlock();
      bytes += TextBytes(block_[pos_]) + 1;
      batch->owned.push_back(std::move(block_[pos_++]));
      ++next_;
    }
    batch->examples = batch->owned.data();
  }

 private:
  void ReadBlock() {
    block_ = reader_.Read(next_, std::min<uint64_t>(rows_, reader_.size() - next_));
    pos_ = 0;
    size_t bytes = 1;
    for (const Example& e : block_) bytes += TextBytes(e) + 1;
    rows_ = std::clamp<uint64_t>(rows_ * kReadBytes / bytes, 1, kMaxReadRows);
  }

  const ExamplesReader& reader_;
  std::vector<Example> block_;
  size_t pos_ = 0;
  uint64_t next_ = 0;
  uint64_t rows_ = 64;
};

// The parallel_pipeline of the header. `fill(batch)` sets batch->count (and batch->examples) to
// the next run starting at batch->first.
template <typename Fill>
TokenizeStats RunPipeline(uint64_t total, const ParallelSentences* parallel, Fill fill, const FeatureBuilder& builder,
                          TokenDatasetWriter& writer, const TokenizeStreamOptions& options) {
  const int threads = options.threads > 0 ? options.threads : tbb::this_task_arena::max_concurrency();
  const size_t in_flight =
      options.batches_in_flight > 0 ? options.batches_in_flight : 2 * static_cast<size_t>(threads) + 2;
  const uint64_t sources = parallel ? parallel->source_texts.size() : 0;

  BatchPool<Batch> pool;
  TokenizeStats stats;
  uint64_t next = 0;
  SerialStageOrder take_order;
  SerialStageOrder write_order;

  auto take = [&](tbb::flow_control& fc) -> Batch* {
    auto held = take_order.Hold();
    if (next == total || (options.cancelled && options.cancelled())) {
      stats.cancelled = next < total;
      fc.stop();
      return nullptr;
    }
    Batch* batch = pool.Take();
    batch->handoff.Pass();
    batch->features.clear();
    batch->counts = FeatureCounts();
    batch->first = next;
    batch->examples = nullptr;
    fill(batch);
    next = batch->first + batch->count;
    batch->handoff.Pass();
    return batch;
  };

  auto build = [&](Batch* batch) -> Batch* {
    batch->handoff.Pass();
    for (uint64_t k = 0; k < batch->count; ++k) {
      const uint64_t row = batch->first + k;
      const auto index = static_cast<int64_t>(row);
      if (!parallel) {
        builder.AddExample(batch->examples[k], index, &batch->features, &batch->counts);
      } else if (row < sources) {
        builder.AddSentence(parallel->source_texts[row], 0, index, index, &batch->features, &batch->counts);
      } else {
        builder.AddSentence(parallel->target_texts[row - sources], 1, index - static_cast<int64_t>(sources), index,
                            &batch->features, &batch->counts);
      }
    }
    batch->handoff.Pass();
    return batch;
  };

  auto write = [&](Batch* batch) {
    auto held = write_order.Hold();
    batch->handoff.Pass();
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
  auto take_done = take_order.Hold();
  auto write_done = write_order.Hold();
  return stats;
}

}  // namespace

uint64_t TokenDatasetExamples(const ExamplesReader& reader) {
  return reader.task() == TaskType::kParallelSentences ? TokenDatasetExamples(reader.header()) : reader.size();
}

void TokenDatasetExampleRows(const ExamplesReader& reader, std::vector<std::string>* ids,
                             std::vector<std::string>* languages) {
  if (reader.task() == TaskType::kParallelSentences) {
    TokenDatasetExampleRows(reader.header(), ids, languages);
    return;
  }
  ids->clear();
  languages->clear();
  ids->reserve(reader.size());
  languages->reserve(reader.size());
  for (uint64_t first = 0; first < reader.size(); first += kIdRows) {
    const uint64_t rows = std::min(kIdRows, reader.size() - first);
    std::vector<std::string> block = reader.ReadColumn("id", first, rows);
    ids->insert(ids->end(), std::make_move_iterator(block.begin()), std::make_move_iterator(block.end()));
    block = reader.ReadColumn("language", first, rows);
    languages->insert(languages->end(), std::make_move_iterator(block.begin()), std::make_move_iterator(block.end()));
  }
}

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

TokenDatasetInfo MakeTokenDatasetInfo(const Examples& examples, const Tokenizer& model,
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
  info.id_layout = model.id_layout_name();
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
  const size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  const uint64_t total = TokenDatasetExamples(examples);
  if (examples.task == TaskType::kParallelSentences) {
    const ParallelSentences& p = examples.parallel;
    const uint64_t sources = p.source_texts.size();
    return RunPipeline(
        total, &p,
        [&](Batch* batch) {
          uint64_t row = batch->first;
          for (size_t bytes = 0; row < total && bytes < batch_bytes; ++row) {
            bytes += (row < sources ? p.source_texts[row] : p.target_texts[row - sources]).size() + 1;
          }
          batch->count = row - batch->first;
        },
        builder, writer, options);
  }
  return RunPipeline(
      total, nullptr,
      [&](Batch* batch) {
        uint64_t row = batch->first;
        for (size_t bytes = 0; row < total && bytes < batch_bytes; ++row) {
          bytes += TextBytes(examples.examples[row]) + 1;
        }
        batch->count = row - batch->first;
        batch->examples = examples.examples.data() + batch->first;
      },
      builder, writer, options);
}

TokenizeStats TokenizeExamples(const ExamplesReader& reader, const FeatureBuilder& builder, TokenDatasetWriter& writer,
                               const TokenizeStreamOptions& options) {
  if (reader.task() == TaskType::kParallelSentences) return TokenizeExamples(reader.header(), builder, writer, options);
  const size_t batch_bytes = std::max<size_t>(options.batch_bytes, 1);
  ReaderSource source(reader);
  return RunPipeline(
      reader.size(), nullptr,
      [&](Batch* batch) {
        source.Fill(batch, batch_bytes);
        batch->count = batch->owned.size();
      },
      builder, writer, options);
}

}  // namespace xstilts
