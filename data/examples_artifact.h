// The "examples" artifact: an Examples value (data/readers/examples.h) stored as one HDF5 file
// that h5py and pandas read without xstilts. docs/artifacts.md, section "examples", documents the
// layout; in short:
//
//   root attributes  kind = "examples", format, task (TaskTypeName), version = 1
//   /id, /language   UTF-8 strings, one per example (always present)
//   /labels          UTF-8 strings, the ordered label set (always present, may be empty)
//   the task's columns, and only those:
//     pair_classification      text_a, text_b, label
//     sentence_classification  text_a, label
//     tagging                  tokens, tokens_offsets, tags, tags_offsets
//     span_qa                  context, question, is_impossible (uint8),
//                              answer_text, answer_start, answer_byte_start, answer_offsets,
//                              plausible_text, plausible_start, plausible_byte_start,
//                              plausible_offsets
//     multiple_choice          context, question, label, choices, choices_offsets
//     parallel_sentences       group /parallel (attributes source_language, target_language;
//                              source_ids, source_texts, target_ids, target_texts, gold [n, 2])
//   Ragged fields are one flat array plus int64 offsets of length n + 1: example i owns
//   flat[offsets[i]:offsets[i + 1]].
//
// Round trip: ReadExamples(WriteExamples(x)) equals x field for field. To keep that promise,
// WriteExamples refuses (std::invalid_argument naming the example and field) an Examples that
// carries data the layout of its task does not store, e.g. text_b on a tagging example or rows in
// `examples` for parallel data, and strings containing a NUL byte (HDF5 strings end at NUL).
//
// Errors: ReadExamples and ExamplesReader throw InputError (base/input_error.h) whose message
// names the file and what is wrong: another artifact kind, an unknown task or newer layout
// version, a missing dataset (`<file>: examples artifact (task tagging) has no dataset
// 'tags_offsets'`), or arrays whose lengths or offsets do not fit together. HDF5 failures
// (unreadable or truncated file, disk full) throw H5Error (data/h5_file.h). Both functions are
// safe to call from several threads on different files (HDF5 calls are serialized inside H5File).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/readers/examples.h"

namespace xstilts {

inline constexpr const char* kExamplesArtifactKind = "examples";
inline constexpr int kExamplesArtifactVersion = 1;

// Writes `examples` to a new HDF5 file at `path` (truncating it).
void WriteExamples(const Examples& examples, const std::filesystem::path& path);

// Reads an artifact that WriteExamples wrote (or any file following docs/artifacts.md), all of
// it into memory (ExamplesReader reads ranges).
Examples ReadExamples(const std::filesystem::path& path);

class H5File;

// Reads an examples artifact by ranges of examples, so that a consumer's memory does not grow with
// the artifact (the tokenize node reads a corpus larger than memory this way).
//
// Opening reads the root attributes and the label set, and for parallel_sentences the whole group
// `parallel`, which stays in memory (sentence sets are the small artifacts: Tatoeba has 1,000
// sentences a side, BUCC's largest split a few hundred thousand). It checks that every dataset of
// the task exists with the right type and length, and streams once through each offsets array in
// blocks (8 bytes an example) to check that it runs from 0 to its flat array's length without
// decreasing and that a tagged example has as many tags as tokens. So the constructor throws every
// InputError that ReadExamples would (same messages), before any example is read.
//
// Read(first, count) reads rows [first, first + count) of each column, rows first..first + count
// of each offsets array and the slice of each flat array they span; nothing else is held. It
// throws std::out_of_range for a range past size(), and H5Error when HDF5 fails (a truncated
// file). One reader must not be used from two threads at once; readers of different files, or
// several readers of one file, may run in different threads (HDF5 calls are serialized).
class ExamplesReader {
 public:
  explicit ExamplesReader(const std::filesystem::path& path);
  ~ExamplesReader();
  ExamplesReader(ExamplesReader&&) noexcept;
  ExamplesReader& operator=(ExamplesReader&&) noexcept;

  const std::filesystem::path& path() const { return path_; }
  TaskType task() const { return header_.task; }
  const std::string& format() const { return header_.format; }
  const std::vector<std::string>& labels() const { return header_.labels; }
  // parallel_sentences only; empty otherwise.
  const ParallelSentences& parallel() const { return header_.parallel; }
  // Everything but the examples: task, format, labels, parallel (`examples` is empty).
  const Examples& header() const { return header_; }
  // The number of examples (0 for parallel_sentences, whose rows are in parallel()).
  uint64_t size() const { return size_; }

  // Examples [first, first + count), each with every field the task stores.
  std::vector<Example> Read(uint64_t first, uint64_t count) const;
  // Rows [first, first + count) of one per-example string column ("id", "language", "text_a", ...)
  // without building examples. InputError when the task's artifact has no such column.
  std::vector<std::string> ReadColumn(const std::string& name, uint64_t first, uint64_t count) const;

 private:
  friend Examples ReadExamples(const std::filesystem::path& path);

  std::filesystem::path path_;
  std::unique_ptr<H5File> file_;
  Examples header_;
  uint64_t size_ = 0;
};

// "" when `a` and `b` are equal in every field; otherwise the first difference, e.g.
// `examples[12] (id 7, de): text_b: "..." vs "..."`. For round-trip checks.
std::string ExamplesDifference(const Examples& a, const Examples& b);

}  // namespace xstilts
