// select_examples: keeps the examples of some languages (e.g. English for training, the others
// for zero-shot evaluation), optionally every n-th of them (`every`) and at most `limit`. Several
// inputs are joined first, in order (e.g. an English training set and its machine translations).
#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/input_error.h"
#include "data/examples_artifact.h"
#include "graph/registry.h"
#include "nodes/expected_size_params.h"
#include "nodes/language_params.h"

namespace xstilts {
namespace {

// Parallel sentences from an aligned corpus (gettext_corpus: the id is the message, shared by its
// translations): each source example paired with the `target_language` example of the same id,
// Tatoeba-style (both sides in the same order, gold = (i, i)). Sources without a counterpart are
// dropped.
Examples PairById(const std::vector<Example>& sources, const std::vector<Example>& all,
                  const std::string& target_language, const std::string& format) {
  std::map<std::string, const Example*> targets;
  for (const Example& e : all) {
    if (e.language == target_language) targets.emplace(e.id, &e);
  }
  Examples out;
  out.format = format;
  out.task = TaskType::kParallelSentences;
  out.parallel.source_language = sources.front().language;
  out.parallel.target_language = target_language;
  for (const Example& source : sources) {
    auto it = targets.find(source.id);
    if (it == targets.end()) continue;
    const auto row = static_cast<int64_t>(out.parallel.gold.size());
    out.parallel.source_ids.push_back(source.id);
    out.parallel.source_texts.push_back(source.text_a);
    out.parallel.target_ids.push_back(source.id);
    out.parallel.target_texts.push_back(it->second->text_a);
    out.parallel.gold.emplace_back(row, row);
  }
  if (out.parallel.gold.empty()) {
    throw InputError("select_examples: no " + out.parallel.source_language + " example has a '" + target_language +
                     "' example with the same id");
  }
  return out;
}

void RunSelectExamples(NodeContext& ctx) {
  const nlohmann::json& params = ctx.params();
  auto keep = params["languages"].get<std::vector<std::string>>();
  auto drop = params["exclude_languages"].get<std::vector<std::string>>();
  int64_t limit = params["limit"].get<int64_t>();
  const int64_t every = params["every"].get<int64_t>();
  const std::vector<std::filesystem::path> inputs = ctx.inputs("examples");
  const std::vector<std::string> names = ctx.input_names("examples");
  Examples examples = ReadExamples(inputs.at(0));
  if (examples.task == TaskType::kParallelSentences) {
    throw InputError("select_examples: parallel sentences are selected by their language pair in the dataset node");
  }
  for (size_t i = 1; i < inputs.size(); ++i) {
    AppendExamples(examples, ReadExamples(inputs[i]), names.at(0), names.at(i));
  }
  if (inputs.size() > 1) {
    ctx.Log("joined " + std::to_string(inputs.size()) + " inputs: " + std::to_string(examples.examples.size()) +
            " examples");
  }
  std::set<std::string> keep_set(keep.begin(), keep.end()), drop_set(drop.begin(), drop.end());
  std::vector<Example> kept;
  int64_t passed = 0;
  for (Example& e : examples.examples) {
    if (!keep_set.empty() && !keep_set.count(e.language)) continue;
    if (drop_set.count(e.language)) continue;
    if (passed++ % every != 0) continue;
    if (limit > 0 && static_cast<int64_t>(kept.size()) >= limit) break;
    kept.push_back(std::move(e));
  }
  if (kept.empty()) {
    std::string present;
    for (const std::string& l : examples.Languages()) present += (present.empty() ? "" : ", ") + l;
    throw InputError("select_examples: no example is left; the input has languages " + present);
  }
  const std::string parallel_with = params["parallel_with"].get<std::string>();
  if (!parallel_with.empty()) {
    std::set<std::string> languages;
    for (const Example& e : kept) languages.insert(e.language);
    if (languages.size() != 1 || *languages.begin() == parallel_with) {
      throw InputError("select_examples: 'parallel_with' pairs one language with another; the selection has " +
                       std::to_string(languages.size()) + " language(s): set 'languages' to one language other than '" +
                       parallel_with + "'");
    }
    examples = PairById(kept, examples.examples, parallel_with, examples.format);
    ctx.Log(std::to_string(examples.parallel.gold.size()) + " sentence pairs " + examples.parallel.source_language +
            "-" + parallel_with);
    WriteExamples(examples, ctx.output("examples"));
    return;
  }
  examples.examples = std::move(kept);
  ctx.Log("kept " + std::to_string(examples.examples.size()) + " examples");
  WriteExamples(examples, ctx.output("examples"));
}

NodeType MakeSelectExamplesNodeType() {
  NodeType t;
  t.name = "select_examples";
  t.summary =
      "Keeps the examples of some languages (English to train on, the others to test zero-shot), from one examples "
      "artifact or several joined in order (a training set and its translations).";
  t.example = R"(corpus_en:
  type: select_examples
  inputs: {examples: corpus}
  params: {languages: [en]})";
  t.inputs = {PortSpec{"examples", "examples",
                       "the examples to select from; several are joined first, in order (same task; label sets "
                       "equal, or both the sorted labels seen, then joined)",
                       false, true}};
  t.outputs = {PortSpec{"examples", "examples",
                        "the kept examples, in their original order, with the same label set (parallel sentences "
                        "with parallel_with)"}};
  t.params = {
      ParamSpec{"languages", ParamType::kStringList, nlohmann::json::array(), "keep only these languages; empty = all"},
      ParamSpec{"exclude_languages", ParamType::kStringList, nlohmann::json::array(), "drop these languages"},
      ParamSpec{"limit", ParamType::kInt, 0, "keep at most this many examples (the first ones); 0 = all"}.AtLeast(0),
      ParamSpec{"every", ParamType::kInt, 1,
                "keep every n-th example of the language selection, from the first: a subsample that keeps the "
                "input's mix (limit keeps its start); 1 = all"}
          .AtLeast(1)
          .KeyedWhenNotDefault(),
      ExpectedExamplesParam(),
      ParamSpec{"parallel_with", ParamType::kString, "",
                "pair each kept example (of one language) with the example of this language that has the same id, "
                "as parallel sentences for `retrieve` (aligned corpora such as gettext_corpus); \"\" = off"},
  };
  t.check_params = [](const nlohmann::json& params) {
    return CheckLanguageCodes(params, {"languages", "exclude_languages", "parallel_with"});
  };
  t.run = RunSelectExamples;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeSelectExamplesNodeType);

}  // namespace xstilts
