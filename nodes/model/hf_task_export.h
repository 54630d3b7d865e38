// Exporting one task of a TaskModel as the Hugging Face *For<Task> checkpoint that transformers
// loads with that task's head (the inverse is not needed: fine-tuning starts from an encoder).
#pragma once

#include <string>

#include "graph/status.h"
#include "nodes/model/heads.h"

namespace xstilts {

// Writes `dir`/config.json and `dir`/model.safetensors for task `task` of `model`, named as
// transformers' classes name their weights:
//   masked_lm               -> *ForMaskedLM                roberta.*, lm_head.*
//   sequence_classification -> *ForSequenceClassification  roberta.* (no pooler), classifier.dense.*,
//                                                          classifier.out_proj.*
//   token_classification    -> *ForTokenClassification     roberta.* (no pooler), classifier.*
//   question_answering      -> *ForQuestionAnswering       roberta.* (no pooler), qa_outputs.*
//   multiple_choice         -> *ForMultipleChoice          roberta.* with the head's dense as
//                                                          roberta.pooler.dense.*, classifier.*
// Classification configs get id2label / label2id (LABEL_0 ...), which set num_labels. Returns an
// error naming the tasks the model has when `task` is not one of them.
Status ExportHfTaskCheckpoint(const std::string& dir, TaskModel& model, const std::string& task);

}  // namespace xstilts
