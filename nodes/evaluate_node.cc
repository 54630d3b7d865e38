// evaluate: zero-shot evaluation of a fine-tuned model per language, scored exactly as XTREME
// scores it. Body in the LibTorch node module (nodes/torch/evaluate_body.cc).
#include "eval/metrics_seqeval.h"
#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

NodeType MakeEvaluateNodeType() {
  NodeType t;
  t.name = "evaluate";
  t.summary = "Evaluates a fine-tuned model on tokenized test sets, one metrics row per language plus the "
              "average, with XTREME's scoring: accuracy (classification, multiple choice), seqeval entity F1 "
              "(tagging, first sub-token of each word), SQuAD / MLQA F1 and exact match (span QA, n-best "
              "decoding over the doc-stride windows). Also writes the metrics as JSON to the run directory "
              "(runs/<pipeline>/metrics/<node>.json in the cache).";
  t.example = R"(eval_xnli:
  type: evaluate
  inputs: {model: train_xnli, tokens: [xnli_de_tokens, xnli_fr_tokens, xnli_zh_tokens]}
  params: {batch_size: 64})";
  t.version = 1;
  t.inputs = {PortSpec{"model", "model", "the fine-tuned model (its head named `task`)"},
              PortSpec{"tokens", "tokens",
                       "test sets: one tokens artifact per language, or one with several languages; a language "
                       "without gold labels (XTREME's test files) gets predictions and no metrics row",
                       false, true},
              PortSpec{"examples", "examples",
                       "the examples the tokens came from (matched by language and example id): span QA needs "
                       "them for contexts and gold answers; tagging takes the gold tags of every word from them",
                       true, true}};
  t.outputs = {PortSpec{"predictions", "predictions", "per example: the predicted label, tag sequence, answer text or choice"},
               PortSpec{"metrics", "metrics", "one row per language and the average (`avg`), columns as XTREME reports them"}};
  t.params = {
      ParamSpec{"task", ParamType::kString, "", "the head to evaluate; default: the tokens' format (xnli, panx, ...)"},
      ParamSpec{"batch_size", ParamType::kInt, 32, "features per forward pass (examples for multiple choice)"}
          .AtLeast(1),
      ParamSpec{"max_answer_length", ParamType::kInt, 30, "span QA: longest answer in tokens"}.AtLeast(1),
      ParamSpec{"n_best", ParamType::kInt, 20, "span QA: start and end candidates per window"}.AtLeast(1),
      ParamSpec{"seqeval", ParamType::kString, SeqevalVersionName(kXtremeSeqevalVersion),
                "tagging: the seqeval release whose tag reading scores the chunks: 0.0.12, what XTREME's "
                "evaluate_test.py expects, or 1.2.2, the current seqeval, which gives UD-POS tags a type "
                "from their second letter on (CCONJ and SCONJ both CONJ); docs/scoring.md",
                SeqevalVersionNames()},
      ParamSpec{"device", ParamType::kString, "auto", "where to run the model", {"auto", "cpu", "cuda"}},
  };
  t.resources.threads = 0;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeEvaluateNodeType);

}  // namespace xstilts
