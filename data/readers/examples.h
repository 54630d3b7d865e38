// Examples: one benchmark file (or file set) read into memory, typed by task.
//
// Every reader in data/readers/ returns an Examples. It is a plain value: the caller owns it,
// it holds no file handles, and it may be moved between threads (no internal synchronization).
//
// Layout choice: a vector of flat `Example` structs (not struct-of-vectors). Readers build one
// example at a time and validate it in place, tests and nodes read `examples[i].field`, and the
// HDF5 artifact layer can turn the fields a task uses into column arrays in one pass. Fields a task
// does not use stay empty (an empty std::string or vector costs 24-32 bytes, which is small next to
// the text). Which fields each task fills:
//
//   kPairClassification      text_a, text_b, label            XNLI, PAWS-X, MNLI, QQP, ANLI
//   kSentenceClassification  text_a, label                    SST-2, gettext catalogs
//   kTagging                 tokens, tags (same length)        UD-POS, PAN-X, CCG
//   kSpanQa                  context, question, answers,       SQuAD 1.1/2.0, XQuAD, MLQA,
//                            is_impossible, plausible_answers  TyDi QA GoldP
//   kMultipleChoice          context, question, choices, label HellaSwag, CosmosQA, CommonsenseQA
//   kParallelSentences       Examples::parallel only           BUCC 2018, Tatoeba
//
// All strings are UTF-8 (readers reject anything else). `id` and `language` are always set.
// An empty `label` (or empty `tags`, or empty `answers` with is_impossible false) means the
// example is unlabelled, as in XTREME's test files whose labels were removed.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace xstilts {

enum class TaskType {
  kPairClassification,
  kSentenceClassification,
  kTagging,
  kSpanQa,
  kMultipleChoice,
  kParallelSentences,
};

// "pair_classification", "sentence_classification", "tagging", "span_qa", "multiple_choice",
// "parallel_sentences".
const char* TaskTypeName(TaskType task);

// One answer span of a QA example.
//
// Offsets: `start` is what the file says (SQuAD's answer_start), counted in Unicode code points of
// `context` (Python str indices). `byte_start` is the same position in bytes of the UTF-8
// `context`, computed by the reader. Readers verify that context[start, start + length of text)
// equals `text` (in code points), so context.substr(byte_start, text.size()) == text holds.
struct Answer {
  std::string text;
  int64_t start = 0;       // code points
  int64_t byte_start = 0;  // bytes
};

struct Example {
  std::string id;        // from the file where it has one, else the 0-based row / sentence index
  std::string language;  // a language code: "en", "de", "zh", "pt_BR", ...

  // Classification: the sentence (or premise / first sentence) and the hypothesis / second one.
  std::string text_a;
  std::string text_b;
  // Classification and multiple choice. For multiple choice: the index of the correct choice
  // in decimal ("0", "1", ...). One of Examples::labels, or "" when unlabelled.
  std::string label;

  // Tagging: one tag per token; `tags` is empty when the file has no tags (test files).
  std::vector<std::string> tokens;
  std::vector<std::string> tags;

  // QA and multiple choice. Multiple choice puts the passage (CosmosQA context, HellaSwag ctx_a)
  // in `context` and the question or sentence start (HellaSwag ctx_b) in `question`.
  std::string context;
  std::string question;
  std::vector<Answer> answers;
  bool is_impossible = false;              // SQuAD 2.0
  std::vector<Answer> plausible_answers;   // SQuAD 2.0, for impossible questions
  std::vector<std::string> choices;        // multiple choice, in file order
};

// Sentences for bitext retrieval / mining. Tatoeba is aligned line by line (source i <-> target
// i, gold holds (i, i)); BUCC has two unaligned sentence sets and a list of gold pairs.
struct ParallelSentences {
  std::string source_language;  // the non-English side: "zh", "de", ...
  std::string target_language;  // "en"
  std::vector<std::string> source_ids;
  std::vector<std::string> source_texts;
  std::vector<std::string> target_ids;
  std::vector<std::string> target_texts;
  // Gold pairs as (index into source_*, index into target_*); empty when there is no gold file.
  std::vector<std::pair<int64_t, int64_t>> gold;
};

struct Examples {
  std::string format;  // the ReadDataset name of the reader that produced it, e.g. "xnli"
  TaskType task = TaskType::kPairClassification;
  // The ordered label set: classification labels, tags for tagging, "0".."n-1" for multiple
  // choice; empty for QA and parallel data. Label ids are indices into this list. For benchmarks
  // with a fixed set it is that set in the order XTREME / jiant use; otherwise the sorted set of
  // labels seen in the file.
  std::vector<std::string> labels;
  std::vector<Example> examples;
  ParallelSentences parallel;  // kParallelSentences only
  // What a reader left out and why, one sentence each, for the node's log (not stored in the
  // examples artifact), e.g. the answers that `verify_answers: drop` left out of a SQuAD file.
  std::vector<std::string> notes;

  // Index of `label` in `labels`, or -1.
  int64_t LabelIndex(std::string_view label) const;
  // Sorted distinct languages of the examples (for parallel data: source then target language).
  std::vector<std::string> Languages() const;
  // Examples that carry a label (classification / multiple choice), tags (tagging) or an
  // answer or is_impossible (QA).
  int64_t CountLabelled() const;
};

// Appends the examples of `part` to `merged`, which must hold the same task (parallel sentences
// are not joined this way). Label sets must agree, except that sets a reader derives from the
// data (the sorted labels seen) are joined into their sorted union. `merged_name` and
// `part_name` name the two in the InputError thrown otherwise.
void AppendExamples(Examples& merged, Examples part, const std::string& merged_name, const std::string& part_name);

}  // namespace xstilts
