// Exporting one task of a TaskModel as the Hugging Face *For<Task> checkpoint that transformers
// loads with that task's head (the inverse is not needed: fine-tuning starts from an encoder).
#pragma once

#include <string>

#include "base/status.h"
#include "model/heads.h"

namespace xstilts {

// Writes `dir`/config.json and `dir`/model.safetensors for task `task` of `model`, named as
// transformers' classes name their weights:
//   masked_lm               -> *ForMaskedLM                roberta.* (no pooler), lm_head.*
//   sequence_classification -> *ForSequenceClassification  roberta.* (no pooler), classifier.dense.*,
//                                                          classifier.out_proj.*
//   token_classification    -> *ForTokenClassification     roberta.* (no pooler), classifier.*
//   question_answering      -> *ForQuestionAnswering       roberta.* (no pooler), qa_outputs.*
//   multiple_choice         -> *ForMultipleChoice          roberta.* with the head's dense as
//                                                          roberta.pooler.dense.*, classifier.*
// Classification and QA configs get id2label / label2id, which set num_labels: the task's label
// names when the model knows them (TaskSpec::labels), else LABEL_0, LABEL_1, ...; a one-label
// sequence classification gets problem_type regression. id2label, label2id, num_labels and
// problem_type inherited from the encoder's original config are dropped. Returns an error naming
// the tasks the model has when `task` is not one of them.
Status ExportHfTaskCheckpoint(const std::string& dir, TaskModel& model, const std::string& task);

}  // namespace xstilts
