// Tokenizing a whole examples artifact into a tokens artifact, in parallel and in bounded memory.
//
// TokenizeExamples runs a oneTBB parallel_pipeline of three filters:
//   take  (serial, in order): the next run of examples holding about `batch_bytes` of text;
//   build (parallel):         FeatureBuilder turns each example of the run into features;
//   write (serial, in order): TokenDatasetWriter appends the run's features to the file.
// At most `batches_in_flight` runs exist at once, so the features held in memory stay at about
// batches_in_flight * (features of batch_bytes of text) however many examples there are. The
// examples come from the caller's Examples (held in memory), or from an ExamplesReader: then the
// take filter reads them block by block (blocks of about 256 KiB of text) and moves them into the
// runs, so that besides the runs in flight only one block is held and memory does not grow with
// the artifact. The output is the same for any thread count, batch size and source: runs are cut
// by text size alone, each example is built on its own, and runs are written in example order.
//
// Parallel sentences: the examples of the token dataset are the source sentences, then the
// target sentences (see data/token_dataset.h); `Examples::examples` is empty there, and an
// ExamplesReader holds the sentences in memory (ExamplesReader::parallel()).
//
// Threads: call from any thread; the builder runs on a task arena of `threads`. Errors: an
// exception from the builder or the writer (InputError for a bad label, H5Error on a write
// failure) cancels the pipeline and propagates; the output file is then incomplete.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "data/examples_artifact.h"
#include "data/readers/examples.h"
#include "data/token_dataset.h"
#include "tokenizer/tokenize_features.h"

namespace xstilts {

struct TokenizeStreamOptions {
  int threads = 1;                    // 0 = oneTBB's default (the machine's cores)
  size_t batch_bytes = 16 * 1024;     // text per run of examples
  size_t batches_in_flight = 0;       // 0 = 2 * threads + 2
  // Polled before each run is taken; true stops the stream (TokenizeStats::cancelled).
  std::function<bool()> cancelled;
  // Called on the writing thread after each run: examples done, examples in all.
  std::function<void(uint64_t done, uint64_t total)> progress;
};

struct TokenizeStats {
  uint64_t examples = 0;  // examples (or sentences) written
  uint64_t features = 0;
  uint64_t tokens = 0;
  FeatureCounts counts;
  bool cancelled = false;
};

// The number of examples of the token dataset (sentences on both sides for parallel data).
uint64_t TokenDatasetExamples(const Examples& examples);
uint64_t TokenDatasetExamples(const ExamplesReader& reader);

// One id and language per example of the token dataset. From a reader they are read in blocks,
// but the result holds all of them (about 64 bytes an example; TokenDatasetWriter takes them whole).
void TokenDatasetExampleRows(const Examples& examples, std::vector<std::string>* ids,
                             std::vector<std::string>* languages);
void TokenDatasetExampleRows(const ExamplesReader& reader, std::vector<std::string>* ids,
                             std::vector<std::string>* languages);

// The attributes of the token dataset that `builder` makes from `examples` (only task, format and
// parallel are used: ExamplesReader::header() will do).
TokenDatasetInfo MakeTokenDatasetInfo(const Examples& examples, const Tokenizer& model,
                                      const FeatureBuilder& builder);

// Builds the features of every example and appends them to `writer` (which the caller opened
// with TokenDatasetExampleRows and finishes afterwards).
TokenizeStats TokenizeExamples(const Examples& examples, const FeatureBuilder& builder, TokenDatasetWriter& writer,
                               const TokenizeStreamOptions& options);
// The same, reading the examples from `reader` as they are needed (the reader must not be used
// elsewhere until this returns). An H5Error from reading cancels the pipeline like a write error.
TokenizeStats TokenizeExamples(const ExamplesReader& reader, const FeatureBuilder& builder, TokenDatasetWriter& writer,
                               const TokenizeStreamOptions& options);

}  // namespace xstilts
