// ParseYaml and Value: aliases share their anchor's values, copies change independently, and the
// expanded size is bounded.
#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "graph/diagnostics.h"
#include "graph/yaml_loader.h"

namespace xstilts {
namespace {

TEST(YamlLoader, AliasesShareTheirAnchorsValues) {
  Diagnostics diagnostics;
  std::optional<Value> root = ParseYaml("a: &list [1, 2, 3]\nb: *list\nc: *list\n", "p.yaml", diagnostics);
  ASSERT_TRUE(root) << diagnostics.Render();
  const Value& a = *root->Find("a");
  const Value& b = *root->Find("b");
  const Value& c = *std::as_const(*root).Find("c");
  EXPECT_TRUE(b.SharesChildrenWith(a));
  EXPECT_TRUE(c.SharesChildrenWith(a));
  ASSERT_EQ(c.items().size(), 3u);
  EXPECT_EQ(c.items()[2].text(), "3");
}

TEST(YamlLoader, ChangingOneAliasLeavesTheOthersAsTheyWere) {
  Diagnostics diagnostics;
  std::optional<Value> root = ParseYaml("a: &m {x: 1, y: [1]}\nb: *m\n", "p.yaml", diagnostics);
  ASSERT_TRUE(root) << diagnostics.Render();
  Value* b = root->Find("b");
  b->Find("x")->set_text("changed");
  b->Find("y")->items().push_back(Value::Scalar("2", false, {}));
  const Value& a = *std::as_const(*root).Find("a");
  EXPECT_FALSE(b->SharesChildrenWith(a));
  EXPECT_EQ(a.Find("x")->text(), "1");
  EXPECT_EQ(a.Find("y")->items().size(), 1u);
  EXPECT_EQ(b->Find("x")->text(), "changed");
  EXPECT_EQ(b->Find("y")->items().size(), 2u);
  // A const lookup does not make a copy; a mutable one (which may change the value) does.
  Value c = a;
  EXPECT_NE(std::as_const(c).Find("x"), nullptr);
  EXPECT_TRUE(c.SharesChildrenWith(a));
  EXPECT_EQ(c.Find("missing"), nullptr);
  EXPECT_TRUE(c.SharesChildrenWith(a));
  EXPECT_NE(c.Find("x"), nullptr);
  EXPECT_FALSE(c.SharesChildrenWith(a));
}

TEST(YamlLoader, DeepAliasesAreCountedAsExpandedAndRefused) {
  // Nine levels of ten aliases each: 10^9 values once expanded, in a few hundred bytes.
  std::string text = "l0: &l0 [x, x, x, x, x, x, x, x, x, x]\n";
  for (int i = 1; i <= 9; ++i) {
    std::string prev = "*l" + std::to_string(i - 1);
    text += "l" + std::to_string(i) + ": &l" + std::to_string(i) + " [";
    for (int j = 0; j < 10; ++j) text += (j ? ", " : "") + prev;
    text += "]\n";
  }
  Diagnostics diagnostics;
  EXPECT_FALSE(ParseYaml(text, "bomb.yaml", diagnostics));
  EXPECT_NE(diagnostics.Render().find("bomb.yaml:6:"), std::string::npos) << diagnostics.Render();
  EXPECT_NE(diagnostics.Render().find("expands to more than 1000000 values"), std::string::npos);
}

TEST(YamlLoader, ManyAliasesBelowTheBoundLoad) {
  // 100 aliases of a 5,000-value list: 500,000 values expanded, one list in memory.
  std::string text = "big: &big [";
  for (int i = 0; i < 4999; ++i) text += (i ? ", " : "") + std::to_string(i);
  text += "]\ncopies: [";
  for (int i = 0; i < 100; ++i) text += (i ? ", " : "") + std::string("*big");
  text += "]\n";
  Diagnostics diagnostics;
  std::optional<Value> root = ParseYaml(text, "p.yaml", diagnostics);
  ASSERT_TRUE(root) << diagnostics.Render();
  const Value& copies = *std::as_const(*root).Find("copies");
  ASSERT_EQ(copies.items().size(), 100u);
  for (const Value& copy : copies.items()) EXPECT_TRUE(copy.SharesChildrenWith(*root->Find("big")));
}

}  // namespace
}  // namespace xstilts
