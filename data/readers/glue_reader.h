// Readers for the English intermediate tasks in GLUE's TSV layout (MNLI, QQP, SST-2) and for
// ANLI's JSON lines. Columns are found by their header names, so the train, dev and (unlabelled)
// test layouts of each task all read. Fields are split on every tab with quote characters kept
// as text (GLUE's files are not csv-quoted). Language is "en" unless options.language says
// otherwise. Thread-safe; throws InputError on malformed files, several problems at once.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// MNLI {train,dev_matched,dev_mismatched,test_matched,test_mismatched}.tsv: sentence1,
// sentence2, gold_label (absent in test), pairID (the id). Labels: contradiction, entailment,
// neutral (the XNLI set, so one head serves both).
Examples ReadMnli(const std::filesystem::path& path, const ReadOptions& options = {});

// QQP {train,dev}.tsv: id, qid1, qid2, question1, question2, is_duplicate; test.tsv: id,
// question1, question2. Labels: 0, 1.
Examples ReadQqp(const std::filesystem::path& path, const ReadOptions& options = {});

// SST-2 {train,dev}.tsv: sentence, label; test.tsv: index, sentence. Sentences keep their
// trailing space. Single-sentence classification; labels: 0, 1; id: index, else the row index.
Examples ReadSst2(const std::filesystem::path& path, const ReadOptions& options = {});

// ANLI R{1,2,3}/{train,dev,test}.jsonl: uid, context (the premise), hypothesis, label "e" / "n" /
// "c", read as entailment / neutral / contradiction (the XNLI label set).
Examples ReadAnli(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
