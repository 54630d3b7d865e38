// Readers for the English multiple-choice intermediate tasks. All return
// TaskType::kMultipleChoice: context, question, choices (in file order) and label = the index of
// the correct choice in decimal; labels are "0".."n-1" where every example of a file must have the
// same number n of choices. Unlabelled rows (test files) have label "". Language "en" unless
// options.language says otherwise. Thread-safe; throw InputError, several problems at once.
#pragma once

#include <filesystem>

#include "data/readers/examples.h"
#include "data/readers/read_options.h"

namespace xstilts {

// HellaSwag hellaswag_{train,val,test}.jsonl: ind (the id), ctx_a (-> context), ctx_b (->
// question: the start of the sentence every ending continues), endings (-> choices), label (an
// integer; absent in test). jiant builds each choice as ctx_b + " " + ending.
Examples ReadHellaswag(const std::filesystem::path& path, const ReadOptions& options = {});

// Cosmos QA {train,valid}.csv: RFC 4180 CSV with a header
// id,context,question,answer0,answer1,answer2,answer3,label; fields are quoted when they hold
// commas, quotes or line ends; CRLF line ends. A file without the label column is unlabelled.
Examples ReadCosmosQa(const std::filesystem::path& path, const ReadOptions& options = {});

// CommonsenseQA {train,dev}_rand_split.jsonl and test_rand_split_no_answers.jsonl: id,
// question.stem (-> question), question.choices [{label: "A", text}] (-> choices), answerKey
// (a choice label; absent in test) -> the index of that choice. context is empty.
Examples ReadCommonsenseQa(const std::filesystem::path& path, const ReadOptions& options = {});

}  // namespace xstilts
