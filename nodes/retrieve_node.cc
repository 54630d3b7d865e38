// retrieve: sentence retrieval without training (Tatoeba, BUCC). Body in the LibTorch node
// module (nodes/torch/retrieve_body.cc).
#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

NodeType MakeRetrieveNodeType() {
  NodeType t;
  t.name = "retrieve";
  t.summary = "Sentence retrieval as XTREME does it, without training: mean-pooled hidden states of one layer, "
              "L2-normalised, cosine similarity by blocked matrix products and top-k. tatoeba: top-1 accuracy; "
              "bucc: ratio-margin mining over k nearest neighbours in both directions, threshold chosen on the "
              "dev set, F1 / precision / recall against the gold pairs.";
  t.example = R"(tatoeba:
  type: retrieve
  inputs: {model: pretrain, tokens: [tatoeba_de_tokens], examples: [tatoeba_de]}
  params: {mode: tatoeba, layer: 8})";
  t.version = 1;
  t.inputs = {PortSpec{"model", "model", "the encoder (heads are ignored)"},
              PortSpec{"tokens", "tokens", "parallel sentences, one artifact per language pair", false, true},
              PortSpec{"examples", "examples", "the parallel sentences the tokens came from (gold pairs), in the same order", false, true},
              PortSpec{"dev_tokens", "tokens", "bucc: the dev sentences of each pair (threshold selection)", true, true},
              PortSpec{"dev_examples", "examples", "bucc: the dev examples (gold pairs), in the same order", true, true}};
  t.outputs = {PortSpec{"predictions", "predictions", "tatoeba: each source's top-1 target; bucc: the mined pairs at or above the threshold"},
               PortSpec{"metrics", "metrics", "one row per language pair (named by the non-English side) and the average"}};
  t.params = {
      ParamSpec{"mode", ParamType::kString, "tatoeba", "the protocol", {"tatoeba", "bucc"}},
      // XTREME's evaluate_retrieval.py keeps hidden_states[-num_layers:], dropping the embeddings,
      // so its --specific_layer 7 (base models; 13 for XLM-R large) is hidden_states[8] (14).
      ParamSpec{"layer", ParamType::kInt, 8,
                "hidden state to mean-pool, counted from the embeddings (0 = embeddings, 1 = the first "
                "transformer layer's output); the default 8 is XTREME's layer for base models, which "
                "XTREME's scripts call 7 because they count from the first transformer layer (XLM-R large: "
                "XTREME's 13, here 14)."}
          .AtLeast(0),
      ParamSpec{"k", ParamType::kInt, 4, "bucc: neighbourhood of the margin"}.AtLeast(1),
      ParamSpec{"batch_size", ParamType::kInt, 64, "sentences per forward pass"}.AtLeast(1),
      ParamSpec{"device", ParamType::kString, "auto", "where to run the model", {"auto", "cpu", "cuda"}},
  };
  t.resources.threads = 0;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeRetrieveNodeType);

}  // namespace xstilts
