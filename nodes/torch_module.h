// Node bodies that need LibTorch live in a module, libxstilts_torch_nodes.so, loaded on first use.
//
// Why: linking LibTorch into the xstilts executable costs 0.4-0.6 s at every start (its shared
// libraries are large and relocated at load), which would make `xstilts status` and a no-op
// `xstilts run` slow. So the node *descriptors* (params, ports, docs) of the model node types are
// compiled into the executable, and their `run` calls RunTorchNode, which opens the module once
// (found as nodes/module_search.h describes, override: $XSTILTS_TORCH_MODULE) and runs the body
// registered there under the node type's name (nodes/model/torch_node_bodies.h).
//
// Errors: a missing or stale module, or a type with no body, throws std::runtime_error; an
// InputError thrown by the body arrives as an InputError. Thread-safe.
#pragma once

#include <string>

#include "graph/node_type.h"

namespace xstilts {

void RunTorchNode(const std::string& type, NodeContext& ctx);

}  // namespace xstilts
