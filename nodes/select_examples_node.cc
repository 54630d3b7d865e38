// select_examples: keeps the examples of some languages (e.g. English for training, the others
// for zero-shot evaluation), optionally at most `limit` of them.
#include <algorithm>
#include <set>

#include "data/examples_artifact.h"
#include "graph/input_error.h"
#include "graph/registry.h"

namespace xstilts {
namespace {

void RunSelectExamples(NodeContext& ctx) {
  const nlohmann::json& params = ctx.params();
  auto keep = params["languages"].get<std::vector<std::string>>();
  auto drop = params["exclude_languages"].get<std::vector<std::string>>();
  int64_t limit = params["limit"].get<int64_t>();
  Examples examples = ReadExamples(ctx.input("examples"));
  if (examples.task == TaskType::kParallelSentences) {
    throw InputError("select_examples: parallel sentences are selected by their language pair in the dataset node");
  }
  std::set<std::string> keep_set(keep.begin(), keep.end()), drop_set(drop.begin(), drop.end());
  std::vector<Example> kept;
  for (Example& e : examples.examples) {
    if (!keep_set.empty() && !keep_set.count(e.language)) continue;
    if (drop_set.count(e.language)) continue;
    if (limit > 0 && static_cast<int64_t>(kept.size()) >= limit) break;
    kept.push_back(std::move(e));
  }
  if (kept.empty()) {
    std::string present;
    for (const std::string& l : examples.Languages()) present += (present.empty() ? "" : ", ") + l;
    throw InputError("select_examples: no example is left; the input has languages " + present);
  }
  examples.examples = std::move(kept);
  ctx.Log("kept " + std::to_string(examples.examples.size()) + " examples");
  WriteExamples(examples, ctx.output("examples"));
}

NodeType MakeSelectExamplesNodeType() {
  NodeType t;
  t.name = "select_examples";
  t.summary = "Keeps the examples of some languages (English to train on, the others to test zero-shot).";
  t.example = R"(corpus_en:
  type: select_examples
  inputs: {examples: corpus}
  params: {languages: [en]})";
  t.inputs = {PortSpec{"examples", "examples", "the examples to select from"}};
  t.outputs = {PortSpec{"examples", "examples", "the kept examples, in their original order, with the same label set"}};
  t.params = {
      ParamSpec{"languages", ParamType::kStringList, nlohmann::json::array(), "keep only these languages; empty = all"},
      ParamSpec{"exclude_languages", ParamType::kStringList, nlohmann::json::array(), "drop these languages"},
      ParamSpec{"limit", ParamType::kInt, 0, "keep at most this many examples (the first ones); 0 = all"},
  };
  t.run = RunSelectExamples;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeSelectExamplesNodeType);

}  // namespace xstilts
