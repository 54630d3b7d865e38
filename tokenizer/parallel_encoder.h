// Encoding a stream of texts on several threads with bounded memory.
//
// EncodeStream reads texts from a reader callback, encodes them in parallel and hands them to a
// writer callback in input order. It is a oneTBB parallel_pipeline of three filters:
//   read  (serial, in order): groups texts into batches of about `batch_bytes`;
//   encode (parallel):        encodes every text of a batch;
//   write (serial, in order): calls the writer for each text of the batch, in input order.
// At most `batches_in_flight` batches exist at once and batch buffers are reused, so memory stays
// at about batches_in_flight * (batch_bytes + its tokens) however long the input is (a single
// text longer than batch_bytes becomes a batch of its own). The output is identical for any
// thread count and batch size: each text is encoded independently and written in order.
//
// Threads: the reader and the writer are each called on one thread at a time (not always the
// same thread), the reader strictly in input order, the writer strictly in input order. They
// may run concurrently with each other. Encoding uses a task arena of `num_threads`.
// Errors: an encode failure or a non-ok Status from the writer stops reading, and that Status is
// returned (texts after the failing one are not written). An exception thrown by the reader or
// the writer cancels the pipeline and propagates to the caller.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "tokenizer/sentencepiece_model.h"

namespace xstilts {

// One encoded text as the writer sees it; pointers are valid only during the writer call.
// Offsets are byte offsets into `text` (see Encoding).
struct EncodedText {
  uint64_t index = 0;  // position in the input, from 0
  std::string_view text;
  const int32_t* ids = nullptr;
  const uint32_t* begins = nullptr;
  const uint32_t* ends = nullptr;
  size_t size = 0;  // number of tokens
};

// Stores the next text in *text (given empty) and returns true, or returns false at the end.
using TextReader = std::function<bool(std::string* text)>;
using EncodedTextWriter = std::function<Status(const EncodedText&)>;

struct ParallelEncodeOptions {
  // Threads that encode; 0 = as many as oneTBB's default (the machine's cores).
  int num_threads = 0;
  // A batch is closed once its texts reach this many bytes (or batch_texts texts). Larger
  // batches cost memory; smaller ones more per-batch overhead. 64 KiB keeps overhead < 1%.
  size_t batch_bytes = 64 * 1024;
  size_t batch_texts = 4096;
  // Batches alive at once (reading + encoding + writing); 0 = 4 * threads.
  size_t batches_in_flight = 0;
};

struct EncodeStats {
  uint64_t texts = 0;
  uint64_t tokens = 0;
  uint64_t bytes = 0;  // text bytes read
};

Result<EncodeStats> EncodeStream(const SentencePieceModel& model, const TextReader& read,
                                 const EncodedTextWriter& write,
                                 const ParallelEncodeOptions& options = {});

// Convenience for inputs that fit in memory: encodes every text, result[i] belongs to texts[i].
Result<std::vector<Encoding>> EncodeAll(const SentencePieceModel& model,
                                        const std::vector<std::string>& texts,
                                        const ParallelEncodeOptions& options = {});

}  // namespace xstilts
