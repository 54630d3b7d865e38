// Inside the LibTorch node module: the bodies of the node types that need LibTorch, by type name.
// Each body file registers itself:
//   XSTILTS_REGISTER_TORCH_NODE_BODY("train", RunTrain);   // void RunTrain(NodeContext&);
// and the descriptor of the same type in nodes/ calls UseTorchBody(t) (nodes/torch_module.h).
#pragma once

#include <string>
#include <vector>

#include "graph/node_type.h"

namespace xstilts {

using TorchNodeBody = void (*)(NodeContext&);

// Registered bodies; only called during static initialization of the module and then read.
void RegisterTorchNodeBody(const std::string& type, TorchNodeBody body);
TorchNodeBody FindTorchNodeBody(const std::string& type);
std::vector<std::string> TorchNodeBodyTypes();  // sorted

struct TorchNodeBodyRegistration {
  TorchNodeBodyRegistration(const char* type, TorchNodeBody body) { RegisterTorchNodeBody(type, body); }
};

}  // namespace xstilts

#define XSTILTS_REGISTER_TORCH_NODE_BODY(type, body) \
  static ::xstilts::TorchNodeBodyRegistration xstilts_torch_body_##body(type, &body)
