// Node bodies that need LibTorch live in a module, libxstilts_torch_nodes.so, loaded on first use.
//
// Why: linking LibTorch into the xstilts executable costs 0.4-0.6 s at every start (its shared
// libraries are large and relocated at load), which would make `xstilts status` and a no-op
// `xstilts run` slow. So the node *descriptors* (params, ports, docs) of the model node types are
// compiled into the executable, and their `run` calls RunTorchNode, which opens the module once
// (found as base/module_search.h describes, override: $XSTILTS_TORCH_MODULE) and runs the body
// registered there under the node type's name (nodes/torch/torch_node_bodies.h). A descriptor
// says so with UseTorchBody(t), which also records the body's name in NodeType::torch_body.
//
// Errors: a missing or stale module, or a type with no body, throws std::runtime_error; an
// InputError thrown by the body arrives as an InputError. Thread-safe.
#pragma once

#include <string>
#include <vector>

#include "graph/node_type.h"

namespace xstilts {

void RunTorchNode(const std::string& type, NodeContext& ctx);

// Makes the module's body of the same name the type's body: sets t.torch_body and t.run.
void UseTorchBody(NodeType& t);

// The names of the bodies the module holds, sorted. Throws like RunTorchNode when it cannot load.
std::vector<std::string> TorchBodyTypes();

}  // namespace xstilts
