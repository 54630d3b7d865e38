// The entry points of libxstilts_torch_nodes.so (nodes/torch_module_api.h).
#include <map>
#include <stdexcept>

#include "base/input_error.h"
#include "nodes/torch/torch_node_bodies.h"
#include "nodes/torch_module_api.h"

namespace xstilts {
namespace {

std::map<std::string, TorchNodeBody>& Bodies() {
  static std::map<std::string, TorchNodeBody> bodies;
  return bodies;
}

}  // namespace

void RegisterTorchNodeBody(const std::string& type, TorchNodeBody body) {
  if (!Bodies().emplace(type, body).second) throw std::logic_error("torch node body '" + type + "' registered twice");
}

TorchNodeBody FindTorchNodeBody(const std::string& type) {
  auto it = Bodies().find(type);
  return it == Bodies().end() ? nullptr : it->second;
}

std::vector<std::string> TorchNodeBodyTypes() {
  std::vector<std::string> types;
  for (const auto& [type, body] : Bodies()) types.push_back(type);
  return types;
}

}  // namespace xstilts

extern "C" __attribute__((visibility("default"))) uint32_t xstilts_torch_module_abi_version() {
  return XSTILTS_TORCH_MODULE_ABI_VERSION;
}

extern "C" __attribute__((visibility("default"))) void xstilts_torch_run_node(
    const char* type, xstilts::NodeContext* ctx, xstilts::TorchNodeOutcome* outcome) {
  try {
    xstilts::TorchNodeBody body = xstilts::FindTorchNodeBody(type);
    if (body == nullptr) {
      outcome->kind = xstilts::TorchNodeOutcome::Kind::kFailed;
      outcome->message = std::string("the LibTorch node module has no body for node type '") + type + "'";
      return;
    }
    body(*ctx);
    outcome->kind = xstilts::TorchNodeOutcome::Kind::kOk;
  } catch (const xstilts::InputError& e) {
    outcome->kind = xstilts::TorchNodeOutcome::Kind::kInputError;
    outcome->message = e.what();
  } catch (const std::exception& e) {
    outcome->kind = xstilts::TorchNodeOutcome::Kind::kFailed;
    outcome->message = e.what();
  } catch (...) {
    outcome->kind = xstilts::TorchNodeOutcome::Kind::kFailed;
    outcome->message = "unknown exception in a LibTorch node body";
  }
}

extern "C" __attribute__((visibility("default"))) void xstilts_torch_body_types(std::vector<std::string>* types) {
  *types = xstilts::TorchNodeBodyTypes();
}
