#include "graph/pipeline_spec.h"

#include <gtest/gtest.h>

#include "base/closest_match.h"
#include "graph/resolve.h"
#include "tests/graph/test_registry.h"

namespace xstilts {
namespace {

std::optional<PipelineSpec> Parse(const std::string& text, std::vector<Override> overrides = {}) {
  Diagnostics diagnostics;
  std::optional<PipelineSpec> spec = ParsePipeline(text, "p.yaml", overrides, diagnostics);
  EXPECT_TRUE(diagnostics.empty()) << diagnostics.Render();
  return spec;
}

TEST(PipelineSpec, ForeachExpandsAGridInFewLines) {
  auto spec = Parse(R"(
vars:
  intermediate: [squad, mnli, hellaswag]
  target: [xnli, pawsx]
nodes:
  train_${i}_${t}:
    type: train
    foreach: {i: "${intermediate}", t: "${target}"}
    params: {languages: ["${t}"]}
)");
  ASSERT_TRUE(spec);
  ASSERT_EQ(spec->nodes.size(), 6u);
  EXPECT_EQ(spec->nodes[0].name, "train_squad_xnli");
  EXPECT_EQ(spec->nodes[1].name, "train_squad_pawsx");
  EXPECT_EQ(spec->nodes[5].name, "train_hellaswag_pawsx");
  EXPECT_EQ(spec->nodes[1].params.Find("languages")->items()[0].text(), "pawsx");
  EXPECT_EQ(spec->nodes[5].template_name, "train_${i}_${t}");
}

TEST(PipelineSpec, WholeScalarVariableKeepsItsStructure) {
  auto spec = Parse(R"(
vars: {langs: [de, fr], lr: 1e-5, path: "data/${lr}"}
nodes:
  t:
    type: train
    params: {languages: "${langs}", learning_rate: "${lr}"}
  s:
    type: source
    params: {path: "${path}/x_$${literal}"}
)");
  ASSERT_TRUE(spec);
  const Value* langs = spec->nodes[0].params.Find("languages");
  ASSERT_TRUE(langs->is_list());
  EXPECT_EQ(langs->items().size(), 2u);
  EXPECT_EQ(spec->nodes[1].params.Find("path")->text(), "data/1e-5/x_${literal}");
}

TEST(PipelineSpec, SetOverridesVarsAndParams) {
  auto spec = Parse(R"(
vars: {lr: 1e-5}
nodes:
  t:
    type: train
    params: {learning_rate: "${lr}", epochs: 3}
)",
                    {Override{"vars.lr", "2e-5"}, Override{"t.params.epochs", "7"}});
  ASSERT_TRUE(spec);
  EXPECT_EQ(spec->nodes[0].params.Find("learning_rate")->text(), "2e-5");
  EXPECT_EQ(spec->nodes[0].params.Find("epochs")->text(), "7");
}

TEST(Resolve, AReferenceTakesTheOnlyOutputOfTheWantedKindAndAGlobTakesAPort) {
  // train's outputs: model (kind model), then log (kind text).
  auto spec = Parse(R"(
nodes:
  src: {type: source, params: {path: a.txt}}
  model_${n}: {type: train, foreach: {n: [a, b]}, inputs: {data: src}}
  again: {type: train, inputs: {data: model_a}}
  eval_${n}: {type: evaluate, foreach: {n: [a, b]}, inputs: {model: "model_${n}", data: src}}
  logs: {type: report, inputs: {metrics: "eval_*.metrics"}}
)");
  ASSERT_TRUE(spec);
  Diagnostics diagnostics;
  auto pipeline = Resolve(*spec, testing::TestRegistry(), diagnostics);
  ASSERT_TRUE(pipeline) << diagnostics.Render();
  const ResolvedNode& again = pipeline->nodes[*pipeline->Find("again")];
  ASSERT_EQ(again.inputs[0].refs.size(), 1u);
  EXPECT_EQ(again.inputs[0].refs[0].port, "log");
  EXPECT_EQ(pipeline->nodes[*pipeline->Find("logs")].inputs[0].refs.size(), 2u);
  // A named port of the wrong kind stays an error.
  auto wrong = Parse(R"(
nodes:
  src: {type: source, params: {path: a.txt}}
  m: {type: train, inputs: {data: src}}
  n: {type: train, inputs: {data: m.model}}
)");
  ASSERT_TRUE(wrong);
  Diagnostics errors;
  EXPECT_FALSE(Resolve(*wrong, testing::TestRegistry(), errors));
  EXPECT_NE(errors.Render().find("expects a 'text' artifact, but 'm' produces 'model'"), std::string::npos)
      << errors.Render();
}

TEST(Resolve, OrdersTopologicallyAndFillsDefaults) {
  auto spec = Parse(R"(
nodes:
  report:
    type: report
    inputs: {metrics: "eval_*"}
  eval_${lang}:
    type: evaluate
    foreach: {lang: [de, zh]}
    inputs: {model: model, data: src}
    params: {language: "${lang}"}
  model:
    type: train
    inputs: {data: src}
  src:
    type: source
    params: {path: a.txt}
)");
  ASSERT_TRUE(spec);
  Diagnostics diagnostics;
  auto pipeline = Resolve(*spec, testing::TestRegistry(), diagnostics);
  ASSERT_TRUE(pipeline) << diagnostics.Render();
  std::vector<std::string> order;
  for (const ResolvedNode& n : pipeline->nodes) order.push_back(n.name);
  EXPECT_EQ(order, (std::vector<std::string>{"src", "model", "eval_de", "eval_zh", "report"}));
  const ResolvedNode& model = pipeline->nodes[1];
  EXPECT_EQ(model.params["learning_rate"], 3e-5);
  EXPECT_EQ(model.params["optimizer"], "adamw");
  EXPECT_EQ(model.resources.threads, 2);
  EXPECT_EQ(pipeline->nodes[4].inputs[0].refs.size(), 2u);
  EXPECT_EQ(pipeline->Descendants({1}), (std::vector<size_t>{1, 2, 3, 4}));
  EXPECT_EQ(pipeline->Ancestors({2}), (std::vector<size_t>{0, 1, 2}));
}

TEST(Diagnostics, RendersCaretUnderTheColumnAndCountsErrors) {
  Diagnostics d;
  d.AddSource("f.yaml", "a: 1\n\tb: oops\n");
  d.Error(SourceLocation{"f.yaml", 2, 5}, "bad value");
  d.Error(SourceLocation{"f.yaml", 0, 0}, "whole file");
  EXPECT_EQ(d.Render(), "f.yaml:2:5: error: bad value\n  \tb: oops\n  \t   ^\nf.yaml: error: whole file\n2 errors\n");
}

TEST(Diagnostics, SuggestsOnlyCloseNames) {
  EXPECT_EQ(ClosestMatch("learning_rat", {"learning_rate", "epochs"}), "learning_rate");
  EXPECT_EQ(ClosestMatch("trian", {"train", "tokenize"}), "train");
  EXPECT_EQ(ClosestMatch("xyz", {"train", "tokenize"}), "");
}

}  // namespace
}  // namespace xstilts
