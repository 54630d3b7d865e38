// ReadDataset: one entry point for every reader, by format name, so a pipeline node can take
// `format: xnli` and a path as params. Each format describes itself (name, one-line
// description, task, the options it uses); docs/datasets.md documents them in full.
//
// Thread-safe: the format table is immutable. Errors throw InputError: unknown format names list
// the known ones, unknown or ill-typed options name the option, and the readers report
// malformed files as `path:line: expected ..., got ...`.
#pragma once

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

struct DatasetFormat {
  std::string_view name;         // "xnli"
  std::string_view description;  // one line: what files it reads
  TaskType task;
  // The options it uses, by their JSON names (see ParseReadOptions).
  std::vector<std::string_view> options;
  Examples (*read)(const std::filesystem::path& path, const ReadOptions& options);
};

// Every format, sorted by name.
const std::vector<DatasetFormat>& DatasetFormats();

// nullptr when unknown.
const DatasetFormat* FindDatasetFormat(std::string_view name);

// Reads `path` with the reader `format` names. Throws InputError for an unknown format:
// `unknown dataset format 'xnl' (did you mean 'xnli'?); known formats: anli, bucc2018, ...`.
Examples ReadDataset(std::string_view format, const std::filesystem::path& path,
                     const ReadOptions& options = {});

// ReadOptions from a JSON object of node params. Keys and values:
//   language: string            languages: [string]          quoting: "csv" | "none"
//   tag_column: "upos" | "xpos"  lang_prefix: "auto" | "yes" | "no"
//   verify_answers: bool | "drop"   tags_file: string (a path)   domains: [string]
//   include_plurals: bool        include_english: bool
// A key the format does not use is an error (`format 'xnli': unknown option 'langauge' (did you
// mean 'language'?); it takes: language, quoting`), and so is a value of the wrong type.
ReadOptions ParseReadOptions(std::string_view format, const nlohmann::json& params);

// ParseReadOptions, then ReadDataset.
Examples ReadDatasetFromParams(std::string_view format, const std::filesystem::path& path,
                               const nlohmann::json& params);

}  // namespace xstilts
