// Readers for XTREME submission and gold files (the layout evaluate.py reads). Each throws
// InputError (base/input_error.h) naming the file and line, or for JSON the file and the JSON
// path (`file: $.data[0].paragraphs[2].qas[1].answers: ...`). Not thread-affine; no shared state.
//
// Line files are read like evaluate.py (UTF-8, universal newlines, each line str.strip()ped), but
// more strictly: a blank line (outside tag files) and a line with more fields than the format has
// are errors here, where evaluate.py would silently score them as wrong answers.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "eval/metrics_bucc.h"
#include "eval/metrics_qa.h"

namespace xstilts {

struct LineValues {
  std::vector<std::string> values;
  std::vector<long> line_numbers;  // parallel to values
};

// One label per line (xnli, pawsx): every line non-empty and without inner whitespace.
LineValues ReadLabelFile(const std::filesystem::path& path);
// One target index per line (tatoeba): every line a non-negative decimal integer. The values stay
// strings, because evaluate.py compares them as strings.
LineValues ReadIndexFile(const std::filesystem::path& path);

// One tag per line, a blank line after each sentence (udpos, panx), read as evaluate.py's
// read_tag: every blank line ends a sentence (two blank lines in a row make an empty sentence),
// and a last sentence without a blank line after it still counts.
struct TagFile {
  std::vector<std::vector<std::string>> sentences;
  std::vector<long> first_lines;  // line where each sentence starts (its blank line if empty)
};
TagFile ReadTagFile(const std::filesystem::path& path);

// "src_id<TAB>trg_id" per line (bucc2018), both fields non-empty.
std::vector<BuccPair> ReadPairFile(const std::filesystem::path& path);

// SQuAD-format gold: {"data": [articles]} or a bare [articles] list (evaluate.py read_squad);
// each article {"paragraphs": [{"qas": [{"id": string, "answers": [{"text": string}, ...]}]}]}.
// Other members (context, question, title, version, answer_start) are ignored.
std::vector<QaQuestion> ReadQaGoldFile(const std::filesystem::path& path);

// {question id: answer string} predictions.
std::map<std::string, std::string> ReadQaPredictionFile(const std::filesystem::path& path);

}  // namespace xstilts
