// The "tokens" artifact: model-ready token ids made from an examples artifact by the `tokenize`
// node. docs/artifacts.md, section "tokens", documents the layout; in short:
//
//   root attributes  kind = "tokens", version = 1, task, format, max_length, truncation,
//                    doc_stride, max_query_length, label_all_subtokens, id_layout, vocab_size,
//                    pad_id, bos_id, eos_id, unk_id, mask_id, num_examples
//                    (+ source_language, target_language, source_sentences for parallel data)
//   /labels                     the label set (strings); label ids index it
//   /example_id, /language      one string per example (a row of the examples artifact)
//   /input_ids, /offsets        int32 token ids of every feature back to back; int64 offsets
//                               [F + 1]: feature i owns input_ids[offsets[i]:offsets[i + 1]]
//   /example_index              int64 per feature: the example it comes from
//   by task, per feature:       label (classification, multiple choice), choice_index (multiple
//                               choice), start_position, end_position (span QA), side,
//                               sentence_index (parallel sentences)
//   by task, per token:         token_labels, word_index (tagging), context_char_start,
//                               context_char_end (span QA), aligned with input_ids
//
// One feature is one model input row. All per-token columns share `offsets`.
//
// Writing: WriteTokenDataset writes a value held in memory; TokenDatasetWriter appends batches of
// features to extendable datasets, so a producer's memory does not grow with the output.
// Reading: ReadTokenDataset reads everything; TokenDatasetReader reads row ranges of features,
// for consumers whose data does not fit in memory.
//
// Errors: the writer throws std::invalid_argument for features whose columns do not fit the task
// (a missing or extra column, lengths that disagree, offsets that do not run from 0 upwards);
// readers throw InputError (base/input_error.h) naming the file and the problem (another kind,
// a newer version, a missing dataset, lengths that disagree); HDF5 failures throw H5Error. One
// writer or reader must not be used from two threads at once; different files may be used from
// different threads (HDF5 calls are serialized inside H5File).
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "data/readers/examples.h"

namespace xstilts {

class H5File;

inline constexpr const char* kTokensArtifactKind = "tokens";
inline constexpr int kTokensArtifactVersion = 1;
// token_labels of tokens that carry no label (PyTorch's CrossEntropyLoss ignore_index).
inline constexpr int32_t kIgnoredTokenLabel = -100;

// The root attributes and the label set.
struct TokenDatasetInfo {
  TaskType task = TaskType::kPairClassification;
  std::string format;               // the examples artifact's format ("xnli", "panx", ...)
  std::vector<std::string> labels;  // label ids index this list (empty for QA and parallel data)
  int64_t max_length = 0;           // no feature is longer
  std::string truncation;           // "longest_first" or "only_second"
  int64_t doc_stride = 0;           // span QA; 0 for other tasks
  int64_t max_query_length = 0;     // span QA; 0 for other tasks
  bool label_all_subtokens = false; // tagging: every sub-token of a word carries its label
  // The tokenizer's id layout ("spm" or "fairseq"), vocabulary size and special ids (-1: none).
  std::string id_layout;
  int64_t vocab_size = 0;
  int32_t pad_id = -1;
  int32_t bos_id = -1;
  int32_t eos_id = -1;
  int32_t unk_id = -1;
  int32_t mask_id = -1;
  // Parallel sentences: examples [0, source_sentences) are the source side, the rest the target.
  std::string source_language;
  std::string target_language;
  int64_t source_sentences = 0;
};

// Feature columns, struct-of-arrays. Columns the task does not use stay empty; which ones a task
// uses is fixed (TokenColumnsOf). A batch built for TokenDatasetWriter::Append has the same form.
struct TokenFeatures {
  std::vector<int32_t> input_ids;
  std::vector<int64_t> offsets = {0};  // size() + 1 entries
  std::vector<int64_t> example_index;
  // Per feature.
  std::vector<int32_t> label;           // classification, multiple choice; -1 when unlabelled
  std::vector<int32_t> choice_index;    // multiple choice
  std::vector<int32_t> start_position;  // span QA: token index; 0 (<s>) when the answer is not
  std::vector<int32_t> end_position;    //   in the window; -1 when the example is unlabelled
  std::vector<int32_t> side;            // parallel sentences: 0 source, 1 target
  std::vector<int64_t> sentence_index;  // parallel sentences: index on its side
  // Per token, aligned with input_ids.
  std::vector<int32_t> token_labels;        // tagging; kIgnoredTokenLabel where no label
  std::vector<int32_t> word_index;          // tagging; -1 except on a word's first sub-token
  std::vector<int32_t> context_char_start;  // span QA: code-point span of a context token in
  std::vector<int32_t> context_char_end;    //   the context; -1 for question and special tokens

  size_t size() const { return example_index.size(); }
  size_t num_tokens() const { return input_ids.size(); }
  int64_t Length(size_t feature) const { return offsets[feature + 1] - offsets[feature]; }
  // Empties every column (offsets back to {0}), keeping capacity.
  void clear();
  bool operator==(const TokenFeatures& other) const;
};

// The names of the columns `task` stores besides input_ids, offsets and example_index.
struct TokenColumns {
  std::vector<std::string> per_feature;
  std::vector<std::string> per_token;
};
TokenColumns TokenColumnsOf(TaskType task);

struct TokenDataset {
  TokenDatasetInfo info;
  std::vector<std::string> example_id;  // one per example: Example::id, or the sentence id
  std::vector<std::string> language;    // one per example
  TokenFeatures features;
};

// Writes `dataset` to a new file at `path` (truncating it).
void WriteTokenDataset(const TokenDataset& dataset, const std::filesystem::path& path);
// Reads every feature of a tokens artifact.
TokenDataset ReadTokenDataset(const std::filesystem::path& path);

// "" when equal, else the first difference (`features[3] (example 1): input_ids differ at token
// 5: 17 vs 18`); for tests.
std::string TokenDatasetDifference(const TokenDataset& a, const TokenDataset& b);

// Streams features into a new tokens artifact. The per-example strings are written at once (they
// are as large as the examples' ids, which the producer holds anyway); features are appended in
// batches. Each column is handed to HDF5 in whole 1 MiB chunks (the chunk size of
// H5File::CreateExtendable): a partial chunk written by one Append would be read back from disk
// by the next, since H5File closes the dataset in between. The writer therefore holds up to one
// chunk per column (at most ~10 MiB) besides the batch being appended. Nothing is readable until
// Finish() has returned; a writer destroyed without Finish() leaves an incomplete file (the
// runner discards outputs of failed nodes).
class TokenDatasetWriter {
 public:
  // `example_id` and `language` must have the same length (the number of examples).
  TokenDatasetWriter(const std::filesystem::path& path, const TokenDatasetInfo& info,
                     const std::vector<std::string>& example_id,
                     const std::vector<std::string>& language);
  ~TokenDatasetWriter();
  TokenDatasetWriter(const TokenDatasetWriter&) = delete;
  TokenDatasetWriter& operator=(const TokenDatasetWriter&) = delete;

  // Appends the features of `batch` (its offsets start at 0; example_index values are absolute
  // rows and must lie in [0, number of examples)).
  void Append(const TokenFeatures& batch);
  // Flushes and closes the file.
  void Finish();

  uint64_t features() const { return features_; }
  uint64_t tokens() const { return tokens_; }

 private:
  std::unique_ptr<H5File> file_;
  TaskType task_;
  TokenColumns columns_;
  int64_t num_examples_ = 0;
  uint64_t features_ = 0;
  uint64_t tokens_ = 0;
  struct PendingColumn;
  std::vector<std::unique_ptr<PendingColumn>> pending_;
  std::vector<int64_t> shifted_offsets_;
};

// Reads a tokens artifact by feature ranges. Opening reads the attributes, the per-example
// strings and `offsets` (8 bytes per feature); ReadFeatures reads one range of every column.
class TokenDatasetReader {
 public:
  explicit TokenDatasetReader(const std::filesystem::path& path);
  ~TokenDatasetReader();
  TokenDatasetReader(TokenDatasetReader&&) noexcept;
  TokenDatasetReader& operator=(TokenDatasetReader&&) noexcept;

  const TokenDatasetInfo& info() const { return info_; }
  const std::vector<std::string>& example_id() const { return example_id_; }
  const std::vector<std::string>& language() const { return language_; }
  // offsets[i] is the first token of feature i; offsets[num_features()] the number of tokens.
  const std::vector<int64_t>& offsets() const { return offsets_; }
  uint64_t num_features() const { return offsets_.size() - 1; }

  // Features [first, first + count), with offsets rebased to start at 0. InputError when the
  // range lies outside the artifact.
  TokenFeatures ReadFeatures(uint64_t first, uint64_t count) const;

 private:
  std::filesystem::path path_;
  std::unique_ptr<H5File> file_;
  TokenDatasetInfo info_;
  TokenColumns columns_;
  std::vector<std::string> example_id_;
  std::vector<std::string> language_;
  std::vector<int64_t> offsets_;
};

}  // namespace xstilts
