// The entry points of the LibTorch node module (libxstilts_torch_nodes.so). Both sides are built
// from this tree with the same compiler and libstdc++, so C++ types may cross; the version guards
// against a stale module left in a build or install directory.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/node_type.h"

#define XSTILTS_TORCH_MODULE_ABI_VERSION 2

namespace xstilts {

// How a body ended.
struct TorchNodeOutcome {
  enum class Kind { kOk, kInputError, kFailed };
  Kind kind = Kind::kOk;
  std::string message;  // for kInputError and kFailed
};

}  // namespace xstilts

extern "C" {
uint32_t xstilts_torch_module_abi_version();
// Runs the body registered under `type`; never throws.
void xstilts_torch_run_node(const char* type, xstilts::NodeContext* ctx, xstilts::TorchNodeOutcome* outcome);
// The names of the registered bodies, sorted.
void xstilts_torch_body_types(std::vector<std::string>* types);
}
