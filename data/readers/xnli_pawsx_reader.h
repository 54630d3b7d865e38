// Readers for XNLI and PAWS-X, the two XTREME sentence-pair classification tasks, in the layouts
// they are published in. All return TaskType::kPairClassification with text_a / text_b / label
// and throw InputError (`path:line: expected ..., got ...`, several problems at once) on
// malformed files. Thread-safe; each call reads its own file.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// XTREME's processed files `{train,dev,test}-<lang>.tsv` (also XGLUE's XNLI files, same layout):
// premise<TAB>hypothesis<TAB>label, no header, CRLF line ends (Python csv.writer); test files
// have only two columns (labels removed), giving unlabelled examples. Every row must have the
// field count of the first. Labels are stripped of spaces, as XTREME does.
// Labels: contradiction, entailment, neutral. Ids: 0-based row index.
// Options: language, quoting.
Examples ReadXnli(const std::filesystem::path& path, const ReadOptions& options = {});

// Same layout for PAWS-X (sentence1<TAB>sentence2<TAB>label). Labels: 0, 1.
Examples ReadPawsx(const std::filesystem::path& path, const ReadOptions& options = {});

// XTREME's machine translations of the MNLI training set (XNLI's translate-train data),
// `en-<lang>-translated.tsv`: no header, five tab-separated fields per row: English premise,
// English hypothesis, translated premise, translated hypothesis, label. Quote characters are
// text (XTREME and TFDS read these files with quoting off). Examples hold the translated pair;
// "contradictory" is read as "contradiction" (as XTREME's processor and TFDS do). Ids: 0-based
// row index. Language: the file name's target (`en-de-translated.tsv` gives de) or `language`.
Examples ReadXnliTranslateTrain(const std::filesystem::path& path, const ReadOptions& options = {});

// The raw XNLI-1.0 release, xnli.{dev,test}.tsv: a header row naming 19 columns, all 15
// languages in one file. Uses language, gold_label, sentence1, sentence2 and pairID (the id).
// "contradictory" is read as "contradiction" (as XTREME does). Options: languages (filter).
Examples ReadXnliRawTsv(const std::filesystem::path& path, const ReadOptions& options = {});

// The raw XNLI-1.0 JSON-lines files, xnli.{dev,test}.jsonl (what jiant reads): one object per
// line with language, gold_label, sentence1, sentence2, pairID. Options: languages (filter).
Examples ReadXnliJsonl(const std::filesystem::path& path, const ReadOptions& options = {});

// The raw PAWS-X release, x-final/<lang>/{train,dev_2k,test_2k}.tsv: header
// id<TAB>sentence1<TAB>sentence2<TAB>label, LF line ends, quote characters are text.
// Options: language (default: the folder name).
Examples ReadPawsxRaw(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
