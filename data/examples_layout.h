// Internal to data/examples_artifact.cc and data/examples_reader.cc: which Example fields the
// examples artifact of each task stores (docs/artifacts.md, section "examples").
#pragma once

#include "data/readers/examples.h"

namespace xstilts::examples_internal {

inline constexpr TaskType kTasks[] = {TaskType::kPairClassification, TaskType::kSentenceClassification,
                                      TaskType::kTagging,           TaskType::kSpanQa,
                                      TaskType::kMultipleChoice,    TaskType::kParallelSentences};

struct Layout {
  bool text_a = false, text_b = false, label = false, tokens = false;
  bool context = false, answers = false, choices = false;
};

inline Layout LayoutOf(TaskType task) {
  Layout l;
  switch (task) {
    case TaskType::kPairClassification: l.text_a = l.text_b = l.label = true; break;
    case TaskType::kSentenceClassification: l.text_a = l.label = true; break;
    case TaskType::kTagging: l.tokens = true; break;
    case TaskType::kSpanQa: l.context = l.answers = true; break;
    case TaskType::kMultipleChoice: l.context = l.choices = l.label = true; break;
    case TaskType::kParallelSentences: break;
  }
  return l;
}

}  // namespace xstilts::examples_internal
