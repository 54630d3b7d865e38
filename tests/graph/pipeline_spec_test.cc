#include "graph/pipeline_spec.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include <unistd.h>

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

// A folder of pipeline files for `base:` tests, removed afterwards.
class PipelineFolder {
 public:
  PipelineFolder() : dir_(std::filesystem::temp_directory_path() / ("xstilts_base_" + std::to_string(::getpid()))) {
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
  }
  ~PipelineFolder() { std::filesystem::remove_all(dir_); }
  std::string Write(const std::string& name, const std::string& text) const {
    std::ofstream(dir_ / name) << text;
    return Path(name);
  }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

 private:
  std::filesystem::path dir_;
};

const char kBase[] = R"(vars:
  langs: [de, fr]
  lr: 1e-5
  path: "data/${lr}"
nodes:
  s: {type: source, params: {path: "${path}"}}
  t_${l}: {type: train, foreach: {l: "${langs}"}, params: {learning_rate: "${lr}"}}
)";

// A variant names its base: the base's vars with the variant's replacing those of the same name
// (later base vars see the new value), the base's nodes and then the variant's.
TEST(PipelineSpec, AVariantExtendsItsBaseFile) {
  PipelineFolder folder;
  folder.Write("base.yaml", kBase);
  const std::string variant = folder.Write("variant.yaml", R"(base: base.yaml
vars:
  lr: 3e-5
  extra: [x]
nodes:
  u_${e}: {type: train, foreach: {e: "${extra}"}, params: {learning_rate: "${lr}", languages: "${langs}"}}
)");
  Diagnostics diagnostics;
  std::optional<PipelineSpec> spec = LoadPipeline(variant, {Override{"vars.langs", "[de]"}}, diagnostics);
  ASSERT_TRUE(spec) << diagnostics.Render();
  EXPECT_EQ(spec->file, variant);
  ASSERT_EQ(spec->nodes.size(), 3u);
  EXPECT_EQ(spec->nodes[0].name, "s");
  EXPECT_EQ(spec->nodes[0].params.Find("path")->text(), "data/3e-5");
  EXPECT_EQ(spec->nodes[0].loc.file, folder.Path("base.yaml"));  // located in the base file
  EXPECT_EQ(spec->nodes[1].name, "t_de");  // --set reaches the base's vars too
  EXPECT_EQ(spec->nodes[1].params.Find("learning_rate")->text(), "3e-5");
  EXPECT_EQ(spec->nodes[2].name, "u_x");
  EXPECT_EQ(spec->nodes[2].params.Find("languages")->items().size(), 1u);
  // A variant may change vars only.
  const std::string only_vars = folder.Write("lr.yaml", "base: base.yaml\nvars: {lr: 1}\n");
  Diagnostics quiet;
  spec = LoadPipeline(only_vars, {}, quiet);
  ASSERT_TRUE(spec) << quiet.Render();
  EXPECT_EQ(spec->nodes.size(), 3u);
}

TEST(PipelineSpec, BaseErrorsPointAtTheirFile) {
  PipelineFolder folder;
  folder.Write("base.yaml", kBase);
  folder.Write("chain.yaml", "base: base.yaml\nnodes: {}\n");
  const auto errors = [&](const std::string& name, const std::string& text) {
    Diagnostics diagnostics;
    EXPECT_FALSE(LoadPipeline(folder.Write(name, text), {}, diagnostics)) << name;
    return diagnostics.Render();
  };
  EXPECT_NE(errors("a.yaml", "base: ../base.yaml\n").find(
                "error: 'base' names a pipeline file in the same folder as this one, e.g. 'xstilts.yaml', got "
                "'../base.yaml'"),
            std::string::npos);
  EXPECT_NE(errors("b.yaml", "base: b.yaml\n").find("error: 'base' names this file itself"), std::string::npos);
  EXPECT_NE(errors("c.yaml", "base: missing.yaml\n").find("error: cannot read the base pipeline file "),
            std::string::npos);
  EXPECT_NE(errors("d.yaml", "base: chain.yaml\n").find("chain.yaml:1:7: error: a base pipeline cannot have a 'base' "
                                                        "of its own"),
            std::string::npos);
  const std::string twice = errors("e.yaml", "base: base.yaml\nnodes:\n  s: {type: source, params: {path: x}}\n");
  EXPECT_NE(twice.find("e.yaml:3:3: error: node 's' is defined twice; first at "), std::string::npos) << twice;
  EXPECT_NE(twice.find("base.yaml:6:3"), std::string::npos) << twice;
  const std::string unknown = errors("f.yaml", "base: base.yaml\nvars: {x: \"${nope}\"}\n");
  EXPECT_NE(unknown.find("error: unknown variable 'nope'"), std::string::npos) << unknown;
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
