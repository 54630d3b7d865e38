// What the CLI tests of the model node types share: where a node's artifact lies in the cache, a
// model artifact's tensors, a metrics artifact's columns and the events of the last run's log.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/h5_file.h"
#include "tests/integration/cli_harness.h"

namespace xstilts::testing {

// The cache key of `node` in the --json run `r` ("" after a test failure when it is not there).
inline std::string KeyOf(const CliResult& r, const std::string& node) {
  const nlohmann::json json = r.Json();
  for (const auto& n : json["nodes"]) {
    if (n["name"] == node) return n["key"];
  }
  ADD_FAILURE() << "no node " << node << " in " << r.out;
  return "";
}

// The entry directory of `node` in the cache after the --json run `r`.
inline std::filesystem::path EntryOf(const CliHarness& h, const CliResult& r, const std::string& node) {
  const std::string key = KeyOf(r, node);
  return key.empty() ? std::filesystem::path() : h.cache() / "entries" / key.substr(0, 2) / key;
}

// The artifact of `node`'s output `port` after the --json run `r`.
inline std::filesystem::path ArtifactOf(const CliHarness& h, const CliResult& r, const std::string& node,
                                        const std::string& port) {
  return h.ArtifactOf(r, node, port);
}

// Every /model/<tensor> of a model artifact, as raw bytes.
inline std::map<std::string, std::string> ModelTensors(const std::filesystem::path& artifact) {
  H5File file(artifact, H5File::Mode::kReadOnly);
  std::map<std::string, std::string> out;
  for (const std::string& name : file.List("/model")) {
    H5Array a = file.Read("/model/" + name);
    out[name] = std::string(a.bytes.begin(), a.bytes.end());
  }
  return out;
}

inline std::vector<double> LogColumn(const std::filesystem::path& log, const std::string& name) {
  H5File file(log, H5File::Mode::kReadOnly);
  return file.ReadVector<double>(name);
}

// The events of the last run recorded in the run log of the --json run `r` (from its run_start on).
inline std::vector<nlohmann::json> LastRunEvents(const CliResult& r) {
  std::ifstream run_log(r.Json()["run_log"].get<std::string>());
  std::vector<nlohmann::json> events;
  for (std::string line; std::getline(run_log, line);) {
    nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] == "run_start") events.clear();
    events.push_back(event);
  }
  return events;
}

// The messages of `node`'s events of kind `event` ("progress": message, "log": line) in that run.
inline std::vector<std::string> NodeMessages(const CliResult& r, const std::string& node, const std::string& event) {
  std::vector<std::string> out;
  for (const nlohmann::json& e : LastRunEvents(r)) {
    if (e["event"] == event && e.value("node", "") == node) out.push_back(e[event == "log" ? "line" : "message"]);
  }
  return out;
}

// The pipeline upstream of a train node: 32 XNLI pairs, a tokenizer trained on them, their tokens
// (`tok`), a tiny encoder (`init`) and `mlm_steps` masked-LM steps (`mlm`), checkpointed every
// `mlm_checkpoint_every` steps (0: never).
inline std::string XnliUpstream(const std::filesystem::path& xnli, int mlm_steps, int mlm_checkpoint_every) {
  return "nodes:\n"
         "  xnli:\n"
         "    type: dataset\n"
         "    params: {format: xnli, path: " + xnli.string() + ", limit: 32}\n"
         "  spm:\n"
         "    type: train_tokenizer\n"
         "    inputs: {corpus: xnli}\n"
         "    params: {model_type: bpe, vocab_size: 300}\n"
         "  tok:\n"
         "    type: tokenize\n"
         "    inputs: {examples: xnli, tokenizer: spm}\n"
         "    params: {max_length: 32}\n"
         "  init:\n"
         "    type: init_model\n"
         "    inputs: {tokenizer: spm}\n"
         "    params: {layers: 2, hidden: 32, heads: 2, ffn: 64, max_positions: 64, seed: 1}\n"
         "  mlm:\n"
         "    type: pretrain_mlm\n"
         "    inputs: {model: init, tokens: tok}\n"
         "    params: {steps: " + std::to_string(mlm_steps) + ", batch_size: 8, lr: 3.0e-3, checkpoint_every: " +
         std::to_string(mlm_checkpoint_every) + ", device: cpu}\n"
         "    resources: {threads: 1}\n";
}

}  // namespace xstilts::testing
