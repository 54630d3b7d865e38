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
// Errors: ReadExamples throws InputError (graph/input_error.h) whose message names the file and
// what is wrong: another artifact kind, an unknown task or newer layout version, a missing
// dataset (`<file>: examples artifact (task tagging) has no dataset 'tags_offsets'`), or arrays
// whose lengths or offsets do not fit together. HDF5 failures (unreadable or truncated file, disk
// full) throw H5Error (data/h5_file.h). Both functions are safe to call from several threads on
// different files (HDF5 calls are serialized inside H5File).
#pragma once

#include <filesystem>
#include <string>

#include "data/readers/examples.h"

namespace xstilts {

inline constexpr const char* kExamplesArtifactKind = "examples";
inline constexpr int kExamplesArtifactVersion = 1;

// Writes `examples` to a new HDF5 file at `path` (truncating it).
void WriteExamples(const Examples& examples, const std::filesystem::path& path);

// Reads an artifact that WriteExamples wrote (or any file following docs/artifacts.md).
Examples ReadExamples(const std::filesystem::path& path);

// "" when `a` and `b` are equal in every field; otherwise the first difference, e.g.
// `examples[12] (id 7, de): text_b: "..." vs "..."`. For round-trip checks.
std::string ExamplesDifference(const Examples& a, const Examples& b);

}  // namespace xstilts
