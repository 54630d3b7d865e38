// Every node type whose body lives in the LibTorch node module names a body the module has, and
// the module has no body that no node type uses: a mismatch would otherwise surface only when a
// pipeline runs such a node.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "graph/registry.h"
#include "nodes/torch_module.h"

namespace xstilts {
namespace {

TEST(TorchBodies, EveryTorchNodeTypeHasARegisteredBodyAndNoBodyIsUnused) {
  const std::vector<std::string> bodies = TorchBodyTypes();
  const std::set<std::string> in_module(bodies.begin(), bodies.end());
  std::set<std::string> wanted;
  for (const NodeType* type : NodeRegistry::Global().Types()) {
    if (type->torch_body.empty()) continue;
    wanted.insert(type->torch_body);
    EXPECT_TRUE(in_module.count(type->torch_body))
        << "node type '" << type->name << "' runs body '" << type->torch_body << "', which the module lacks";
  }
  for (const std::string& body : bodies) {
    EXPECT_TRUE(wanted.count(body)) << "the module's body '" << body << "' belongs to no node type";
  }
  // The model node types are all there: a registry that lost them would pass the loops above.
  for (const char* type : {"init_model", "import_hf", "export_hf", "pretrain_mlm", "train", "evaluate", "retrieve"}) {
    EXPECT_TRUE(wanted.count(type)) << type;
  }
}

}  // namespace
}  // namespace xstilts
