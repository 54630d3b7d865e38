#include "nodes/torch_module.h"

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

#include "base/input_error.h"
#include "base/module_search.h"
#include "nodes/torch_module_api.h"

namespace xstilts {
namespace {

using RunFn = decltype(&xstilts_torch_run_node);
using BodyTypesFn = decltype(&xstilts_torch_body_types);

struct ModuleFunctions {
  RunFn run = nullptr;
  BodyTypesFn body_types = nullptr;
};

// Opens the module once per process; later calls get the same functions or the same error.
const ModuleFunctions& LoadModule() {
  static std::once_flag once;
  static ModuleFunctions functions;
  static std::string error;
  std::call_once(once, [] {
    ModuleLocation location{"libxstilts_torch_nodes.so", "XSTILTS_TORCH_MODULE", "LibTorch node module"};
#ifdef XSTILTS_TORCH_MODULE_BUILD_PATH
    Result<std::string> path = FindModule(location, DefaultModuleSearch(location, XSTILTS_TORCH_MODULE_BUILD_PATH));
#else
    Result<std::string> path = FindModule(location, DefaultModuleSearch(location, ""));
#endif
    if (!path.ok()) {
      error = path.status().message();
      return;
    }
    // RTLD_LOCAL: LibTorch's symbols stay out of the global scope, away from the sentencepiece module.
    void* handle = dlopen(path.value().c_str(), RTLD_NOW | RTLD_LOCAL);
    if (handle == nullptr) {
      const char* why = dlerror();
      error = "cannot open the LibTorch node module " + path.value() + ": " + (why ? why : "unknown error");
      return;
    }
    auto version = reinterpret_cast<decltype(&xstilts_torch_module_abi_version)>(
        dlsym(handle, "xstilts_torch_module_abi_version"));
    if (version == nullptr || version() != XSTILTS_TORCH_MODULE_ABI_VERSION) {
      error = path.value() + ": not a LibTorch node module of this version of xstilts (stale build? rebuild it)";
      return;
    }
    functions.run = reinterpret_cast<RunFn>(dlsym(handle, "xstilts_torch_run_node"));
    functions.body_types = reinterpret_cast<BodyTypesFn>(dlsym(handle, "xstilts_torch_body_types"));
    if (functions.run == nullptr || functions.body_types == nullptr) {
      functions = {};
      error = path.value() + ": lacks the entry points of a LibTorch node module";
    }
  });
  if (functions.run == nullptr) throw std::runtime_error(error);
  return functions;
}

}  // namespace

void RunTorchNode(const std::string& type, NodeContext& ctx) {
  TorchNodeOutcome outcome;
  LoadModule().run(type.c_str(), &ctx, &outcome);
  switch (outcome.kind) {
    case TorchNodeOutcome::Kind::kOk: return;
    case TorchNodeOutcome::Kind::kInputError: throw InputError(outcome.message);
    case TorchNodeOutcome::Kind::kFailed: throw std::runtime_error(outcome.message);
  }
}

void UseTorchBody(NodeType& t) {
  t.torch_body = t.name;
  t.run = [body = t.torch_body](NodeContext& ctx) { RunTorchNode(body, ctx); };
}

std::vector<std::string> TorchBodyTypes() {
  std::vector<std::string> types;
  LoadModule().body_types(&types);
  return types;
}

}  // namespace xstilts
