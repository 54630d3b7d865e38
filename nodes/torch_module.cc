#include "nodes/torch_module.h"

#include <dlfcn.h>

#include <mutex>
#include <stdexcept>

#include "graph/input_error.h"
#include "nodes/module_search.h"
#include "nodes/torch_module_api.h"

namespace xstilts {
namespace {

using RunFn = decltype(&xstilts_torch_run_node);

// Opens the module once per process; later calls get the same function or the same error.
RunFn LoadRunFunction() {
  static std::once_flag once;
  static RunFn run = nullptr;
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
    run = reinterpret_cast<RunFn>(dlsym(handle, "xstilts_torch_run_node"));
    if (run == nullptr) error = path.value() + ": lacks xstilts_torch_run_node";
  });
  if (run == nullptr) throw std::runtime_error(error);
  return run;
}

}  // namespace

void RunTorchNode(const std::string& type, NodeContext& ctx) {
  TorchNodeOutcome outcome;
  LoadRunFunction()(type.c_str(), &ctx, &outcome);
  if (outcome.kind == 1) throw InputError(outcome.message);
  if (outcome.kind != 0) throw std::runtime_error(outcome.message);
}

}  // namespace xstilts
