#include "graph/plan.h"

#include <gtest/gtest.h>

#include <map>
#include <set>

#include "graph/cache_key.h"
#include "tests/graph/test_registry.h"

namespace xstilts {
namespace {

// An in-memory cache: keys with their components, and the last key of each node.
class FakeIndex : public ArtifactIndex {
 public:
  bool Has(const std::string& key) override { return entries.count(key) > 0; }
  Status Verify(const std::string& key) override {
    ++verified;
    if (corrupt.count(key)) {
      entries.erase(key);
      return Status::Error(ErrorKind::kCorrupt, "checksum mismatch");
    }
    return Status::Ok();
  }
  std::optional<nlohmann::json> Components(const std::string& key) override {
    auto it = entries.find(key);
    if (it == entries.end()) return std::nullopt;
    return it->second;
  }
  std::optional<std::string> LastKey(const std::string& node) override {
    auto it = last.find(node);
    if (it == last.end()) return std::nullopt;
    return it->second;
  }
  // Records a plan as fully built.
  void Build(const ResolvedPipeline& p, const Plan& plan) {
    for (size_t i = 0; i < p.nodes.size(); ++i) {
      entries[plan.nodes[i].key] = plan.nodes[i].components;
      last[p.nodes[i].name] = plan.nodes[i].key;
    }
  }
  std::map<std::string, nlohmann::json> entries;
  std::map<std::string, std::string> last;
  std::set<std::string> corrupt;
  int verified = 0;
};

class NoFiles : public FileHasher {
 public:
  std::string Hash(const std::filesystem::path& path) override { return "h:" + path.string(); }
};

ResolvedPipeline Load(const std::string& text, std::vector<Override> overrides = {}) {
  Diagnostics diagnostics;
  auto spec = ParsePipeline(text, "p.yaml", overrides, diagnostics);
  std::optional<ResolvedPipeline> pipeline;
  if (spec) pipeline = Resolve(*spec, testing::TestRegistry(), diagnostics);
  EXPECT_TRUE(pipeline) << diagnostics.Render();
  return pipeline ? *pipeline : ResolvedPipeline();
}

const char kPipeline[] = R"(
nodes:
  src:
    type: source
    params: {path: a.txt}
  other:
    type: source
    params: {path: b.txt}
  model:
    type: train
    inputs: {data: src}
  eval:
    type: evaluate
    inputs: {model: model, data: other}
)";

Plan MakeOrDie(const ResolvedPipeline& p, FakeIndex& index, PlanOptions options = {}) {
  NoFiles hasher;
  Result<Plan> plan = MakePlan(p, index, hasher, options);
  EXPECT_TRUE(plan.ok()) << plan.status().message();
  return plan.ok() ? plan.value() : Plan();
}

std::vector<std::string> Stale(const ResolvedPipeline& p, const Plan& plan) {
  std::vector<std::string> names;
  for (size_t i = 0; i < p.nodes.size(); ++i) {
    if (plan.nodes[i].state == NodeState::kStale) names.push_back(p.nodes[i].name);
  }
  return names;
}

TEST(Plan, EverythingIsNewAtFirstAndCachedAfterwards) {
  FakeIndex index;
  ResolvedPipeline p = Load(kPipeline);
  Plan first = MakeOrDie(p, index);
  EXPECT_EQ(Stale(p, first).size(), 4u);
  EXPECT_EQ(first.nodes[0].reasons, (std::vector<std::string>{"never built"}));
  EXPECT_EQ(first.nodes[0].stale_kind, StaleKind::kNeverBuilt);
  index.Build(p, first);
  EXPECT_TRUE(Stale(p, MakeOrDie(p, index)).empty());
}

TEST(Plan, ParamChangeMakesExactlyItsDescendantsStaleWithReasons) {
  FakeIndex index;
  ResolvedPipeline p = Load(kPipeline);
  index.Build(p, MakeOrDie(p, index));
  ResolvedPipeline changed = Load(kPipeline, {Override{"model.params.learning_rate", "1e-5"}});
  Plan plan = MakeOrDie(changed, index);
  EXPECT_EQ(Stale(changed, plan), (std::vector<std::string>{"model", "eval"}));
  EXPECT_EQ(plan.nodes[*changed.Find("model")].reasons,
            (std::vector<std::string>{"params.learning_rate: 3e-05 -> 1e-05"}));
  EXPECT_EQ(plan.nodes[*changed.Find("eval")].reasons,
            (std::vector<std::string>{"input 'model' changed (from model)"}));
  EXPECT_EQ(plan.nodes[*changed.Find("model")].stale_kind, StaleKind::kKeyChanged);
  EXPECT_EQ(plan.nodes[*changed.Find("eval")].stale_kind, StaleKind::kKeyChanged);
  EXPECT_EQ(plan.nodes[*changed.Find("src")].stale_kind, StaleKind::kNone);
}

TEST(Plan, KeyIgnoresNodeNamesAndSettingsOutsideTheKey) {
  FakeIndex index;
  ResolvedPipeline p = Load(kPipeline);
  Plan a = MakeOrDie(p, index);
  ResolvedPipeline renamed = Load(R"(
nodes:
  text:
    type: source
    params: {path: a.txt}
  m:
    type: train
    inputs: {data: text}
    params: {verbose: true}
)");
  Plan b = MakeOrDie(renamed, index);
  EXPECT_EQ(a.nodes[*p.Find("src")].key, b.nodes[*renamed.Find("text")].key);
  EXPECT_EQ(a.nodes[*p.Find("model")].key, b.nodes[*renamed.Find("m")].key);
}

TEST(Plan, RenamingAnUpstreamNodeReRunsOnlyTheNodesThatReadTheirLineage) {
  const std::string text = R"(
nodes:
  src: {type: source, params: {path: a.txt}}
  NAME: {type: train, inputs: {data: src}}
  eval: {type: evaluate, inputs: {model: NAME, data: src}}
  plain: {type: report, inputs: {metrics: eval}}
  labelled: {type: summary, inputs: {metrics: eval}}
)";
  auto with_name = [&](const std::string& name) {
    std::string t = text;
    for (size_t at; (at = t.find("NAME")) != std::string::npos;) t.replace(at, 4, name);
    return Load(t);
  };
  FakeIndex index;
  ResolvedPipeline before = with_name("xlmr");
  index.Build(before, MakeOrDie(before, index));
  ResolvedPipeline renamed = with_name("roberta");
  Plan plan = MakeOrDie(renamed, index);
  EXPECT_EQ(Stale(renamed, plan), (std::vector<std::string>{"labelled"}));
  EXPECT_EQ(plan.nodes[*renamed.Find("labelled")].reasons,
            (std::vector<std::string>{"upstream nodes renamed or changed: -xlmr +roberta"}));
}

TEST(Plan, PathsInAConnectedInputReplaceTheHashOfLocalFiles) {
  class CountingHasher : public FileHasher {
   public:
    std::string Hash(const std::filesystem::path& path) override {
      hashed.push_back(path.filename().string());
      return "h";
    }
    std::vector<std::string> hashed;
  };
  ResolvedPipeline p = Load(R"(
nodes:
  bundle: {type: source, params: {path: data.zip}}
  local: {type: reader, params: {path: train.tsv}}
  inside: {type: reader, inputs: {files: bundle}, params: {path: train.tsv}}
)");
  FakeIndex index;
  CountingHasher hasher;
  Result<Plan> plan = MakePlan(p, index, hasher, {});
  ASSERT_TRUE(plan.ok()) << plan.status().message();
  EXPECT_EQ(hasher.hashed, (std::vector<std::string>{"train.tsv"}));  // `local` only
  EXPECT_TRUE(plan->nodes[*p.Find("local")].components.contains("extra"));
  EXPECT_FALSE(plan->nodes[*p.Find("inside")].components.contains("extra"));
  EXPECT_NE(plan->nodes[*p.Find("local")].key, plan->nodes[*p.Find("inside")].key);
}

TEST(Plan, ForceAndOnlySelectNodes) {
  FakeIndex index;
  ResolvedPipeline p = Load(kPipeline);
  index.Build(p, MakeOrDie(p, index));
  PlanOptions force;
  force.force = {"model"};
  Plan forced = MakeOrDie(p, index, force);
  EXPECT_EQ(Stale(p, forced), (std::vector<std::string>{"model"}));
  EXPECT_EQ(forced.nodes[*p.Find("model")].reasons, (std::vector<std::string>{"forced (--force)"}));
  EXPECT_EQ(forced.nodes[*p.Find("model")].stale_kind, StaleKind::kForced);

  FakeIndex empty;
  PlanOptions only;
  only.only = {"model"};
  Plan partial = MakeOrDie(p, empty, only);
  EXPECT_EQ(Stale(p, partial), (std::vector<std::string>{"src", "model"}));
  EXPECT_EQ(partial.nodes[*p.Find("eval")].state, NodeState::kNotSelected);

  NoFiles hasher;
  PlanOptions unknown;
  unknown.force = {"modle"};
  Result<Plan> bad = MakePlan(p, index, hasher, unknown);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "--force names unknown node 'modle'; did you mean 'model'?");
}

TEST(Plan, CorruptInputOfAStaleNodeIsRebuilt) {
  FakeIndex index;
  ResolvedPipeline p = Load(kPipeline);
  Plan built = MakeOrDie(p, index);
  index.Build(p, built);
  index.corrupt.insert(built.nodes[*p.Find("model")].key);
  ResolvedPipeline changed = Load(kPipeline, {Override{"eval.params.language", "de"}});
  Plan plan = MakeOrDie(changed, index);
  EXPECT_EQ(Stale(changed, plan), (std::vector<std::string>{"model", "eval"}));
  EXPECT_EQ(plan.nodes[*changed.Find("model")].reasons,
            (std::vector<std::string>{"cache entry corrupt, moved aside: checksum mismatch"}));
  EXPECT_EQ(plan.nodes[*changed.Find("model")].stale_kind, StaleKind::kCorrupt);
  EXPECT_EQ(index.verified, 3);  // model and other for eval, then src for the now-stale model
}

TEST(CacheKey, DescribesVersionAndFileChanges) {
  ResolvedPipeline p = Load(kPipeline);
  nlohmann::json before = {{"type", "train"}, {"version", 2}, {"params", {{"epochs", 3}}},
                           {"inputs", nlohmann::json::object()}, {"extra", {{"files", {{"run.sh", "aa"}}}}}};
  nlohmann::json after = before;
  after["version"] = 3;
  after["extra"]["files"]["run.sh"] = "bb";
  EXPECT_EQ(DescribeKeyChange(before, after, p, 2),
            (std::vector<std::string>{"type version 2 -> 3", "file run.sh changed"}));
}

// A parameter added to a type later (KeyedWhenNotDefault) is in the key only when set to another
// value than its default: existing nodes keep their keys, and their cache entries.
TEST(Plan, AParameterAtItsDefaultCanStayOutOfTheKey) {
  FakeIndex index;
  const ResolvedPipeline before = Load(kPipeline);
  const Plan plain = MakeOrDie(before, index);
  const size_t model = *before.Find("model");
  EXPECT_FALSE(plain.nodes[model].components["params"].contains("mixing"));
  EXPECT_TRUE(plain.nodes[model].components["params"].contains("epochs"));
  const ResolvedPipeline at_default = Load(kPipeline, {{"model.params.mixing", "0.0"}});
  EXPECT_EQ(MakeOrDie(at_default, index).nodes[model].key, plain.nodes[model].key);
  const ResolvedPipeline changed = Load(kPipeline, {{"model.params.mixing", "0.25"}});
  const Plan changed_plan = MakeOrDie(changed, index);
  EXPECT_NE(changed_plan.nodes[model].key, plain.nodes[model].key);
  EXPECT_EQ(changed_plan.nodes[model].components["params"]["mixing"], 0.25);
}

}  // namespace
}  // namespace xstilts
