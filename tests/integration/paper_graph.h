// PaperGraph: the graph of pipelines/xstilts.yaml (`xstilts graph --format json`, with `--set`
// overrides) and what feeds its nodes, for the tests that check how the paper's pipeline is wired.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace xstilts::testing {

inline const std::string kFullPipeline = std::string(XSTILTS_SOURCE_DIR) + "/pipelines/xstilts.yaml";

// The node count of pipelines/xstilts.yaml, by hand from its blocks
// (M = 2 models, S = 11 stages: pretrained + 9 intermediate tasks + mixture; M x S = 22):
//   models:        6 downloads + 1 files + 2 import_hf + 2 tokenizers                          = 11
//   intermediate:  11 downloads (the 9 tasks' data, SQuAD v1.1 dev, SNLI, SQuAD v2.0 train)
//                  + 2 ANLI execs (R1+R2+R3; ANLI+) + 9 datasets + 9x2 tokenize
//                  + 9x2 train + 2 mixtures                                                    = 60
//   XNLI:          1 download + 2 datasets + 3x2 tokenize + 22 train + 22 evaluate              = 53
//   PAWS-X:        1 download + 3 datasets + 3x2 tokenize + 22 + 22                             = 54
//   UD-POS:        1 download + 1 extraction + 4 datasets (train, dev, eval: 29 dev sets,
//                  eval_test: 4 test sets) + 4x2 tokenize + 22 + 22                             = 58
//   PAN-X:         3 datasets (local) + 3x2 tokenize + 22 + 22                                  = 53
//   SQuAD for QA:  2 datasets (v1.1 train, dev) + 2x2 tokenize (train, dev)                     =  6
//   XQuAD:         11 downloads + 1 dataset + 2 tokenize + 22 + 22                              = 58
//   MLQA:          1 download + 1 dataset + 2 tokenize + 22 + 22                                = 48
//   TyDiQA:        2 downloads + 2 datasets + 2 select_examples + 3x2 tokenize + 22 + 22        = 56
//   BUCC:          8 downloads + 1 extraction + 2x4 datasets + 2x2x4 tokenize + 22 retrieve     = 55
//   Tatoeba:       72 downloads + 36 datasets + 2x36 tokenize + 22 retrieve                     = 202
//   report:                                                                                     =  1
//   submission:    XLM-R only (S = 11 stages): 5 test datasets (XNLI, PAWS-X, UD-POS, PAN-X, MLQA)
//                  + 5 tokenize + 5x11 test evaluate; dev scores: 11 dev_udpos (dev sets only)
//                  + 11 dev_xquad (on MLQA dev) + 1 select_examples and 1 tokenize (TyDiQA's
//                  non-English training questions) + 11 dev_tydiqa; 1 submission                = 101
//   total: 11+60+53+54+58+53+6+58+48+56+55+202+1+101 = 816
// The same for every value of vars.anli_data and vars.squad_version (the pipeline format has no
// conditional nodes: the choice not taken leaves its nodes in the graph, read by nothing).
inline constexpr size_t kFullNodeCount = 816;

// The graph of pipelines/xstilts.yaml (or a variant) with `--set` overrides, and what feeds its
// nodes.
struct PaperGraph {
  nlohmann::json json;
  std::map<std::string, nlohmann::json> nodes;                        // by name
  std::map<std::string, std::multimap<std::string, std::string>> inputs;  // node -> (port, from)

  std::set<std::string> From(const std::string& node, const std::string& port) const {
    std::set<std::string> from;
    auto it = inputs.find(node);
    if (it == inputs.end()) return from;
    auto [begin, end] = it->second.equal_range(port);
    for (auto i = begin; i != end; ++i) from.insert(i->second);
    return from;
  }
  // Every node that `node` depends on, directly or not.
  std::set<std::string> Upstream(const std::string& node) const {
    std::set<std::string> seen;
    std::vector<std::string> todo = {node};
    while (!todo.empty()) {
      const std::string n = todo.back();
      todo.pop_back();
      auto it = inputs.find(n);
      if (it == inputs.end()) continue;
      for (const auto& port_and_from : it->second) {
        if (seen.insert(port_and_from.second).second) todo.push_back(port_and_from.second);
      }
    }
    return seen;
  }
  // The data downloads `node` depends on: those of the model files and tokenizers left out.
  std::set<std::string> UpstreamDownloads(const std::string& node) const {
    std::set<std::string> model_side;
    for (const std::string m : {"xlmr_pretrained", "xlmr_tokenizer", "roberta_pretrained", "roberta_tokenizer"}) {
      for (const std::string& n : Upstream(m)) model_side.insert(n);
    }
    std::set<std::string> downloads;
    for (const std::string& n : Upstream(node)) {
      if (nodes.at(n)["type"] == "download" && !model_side.count(n)) downloads.insert(n);
    }
    return downloads;
  }
};

// `pipeline`: xstilts.yaml, or a variant of it (`base: xstilts.yaml`).
inline PaperGraph LoadPaperGraph(const CliHarness& h, const std::vector<std::string>& overrides,
                                 const std::string& pipeline = kFullPipeline) {
  std::vector<std::string> args = {"graph", pipeline, "--format", "json"};
  for (const std::string& o : overrides) {
    args.push_back("--set");
    args.push_back(o);
  }
  const CliResult graph = h.Run(args);
  EXPECT_EQ(graph.exit_code, 0) << graph.err;
  PaperGraph g;
  g.json = nlohmann::json::parse(graph.out);
  for (const auto& node : g.json["nodes"]) g.nodes[node["name"].get<std::string>()] = node;
  for (const auto& edge : g.json["edges"]) {
    g.inputs[edge["to"].get<std::string>()].emplace(edge["to_port"].get<std::string>(), edge["from"].get<std::string>());
  }
  return g;
}

inline std::set<std::string> StringSet(const nlohmann::json& list) {
  std::set<std::string> out;
  for (const auto& item : list) out.insert(item.get<std::string>());
  return out;
}

}  // namespace xstilts::testing
