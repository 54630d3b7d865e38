#include "nodes/estimate/tokens_per_example.h"

#include <map>

namespace xstilts {

ExampleLength AssumedExampleLength(const std::string& format) {
  // Mean lengths of the training or evaluation text of each benchmark, rounded: pair
  // classification premise + hypothesis, one sentence, a SQuAD-style context + question, one
  // choice of a multiple-choice example (context + ending), a tagged sentence.
  static const std::map<std::string, ExampleLength> lengths = {
      {"mnli", {40, 1}},          {"xnli", {45, 1}},           {"xnli_raw", {45, 1}},
      {"xnli_jsonl", {45, 1}},    {"xnli_translate_train", {45, 1}},
      {"snli", {30, 1}},          {"anli", {60, 1}},           {"qqp", {30, 1}},
      {"sst2", {13, 1}},          {"pawsx", {50, 1}},          {"pawsx_raw", {50, 1}},
      {"squad", {190, 1}},        {"xquad", {200, 1}},         {"mlqa", {190, 1}},
      {"tydiqa", {200, 1}},       {"hellaswag", {70, 4}},      {"commonsenseqa", {20, 5}},
      {"cosmosqa", {115, 4}},     {"ccg", {32, 1}},            {"conllu", {25, 1}},        {"udpos", {25, 1}},
      {"panx", {15, 1}},          {"tatoeba", {12, 1}},        {"bucc2018", {35, 1}},
      {"gettext", {15, 1}},       {"text", {30, 1}},         // a Wikipedia or CC-100 sentence
  };
  auto it = lengths.find(format);
  return it == lengths.end() ? ExampleLength{} : it->second;
}

}  // namespace xstilts
