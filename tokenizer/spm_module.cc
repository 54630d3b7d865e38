#include "tokenizer/spm_module.h"

#include <dlfcn.h>
#include <sys/single_threaded.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <mutex>
#include <system_error>
#include <utility>

namespace xstilts {
namespace {

const ModuleLocation kSpmModuleLocation{kSpmModuleFileName, kSpmModuleEnvVar, "sentencepiece module"};

template <typename Fn>
bool Resolve(void* handle, const char* name, Fn* fn, std::string* missing) {
  *fn = reinterpret_cast<Fn>(dlsym(handle, name));
  if (*fn == nullptr) *missing += std::string(missing->empty() ? "" : ", ") + name;
  return *fn != nullptr;
}

#ifndef XSTILTS_SPM_WITHOUT_DEEPBIND
// With RTLD_DEEPBIND the module binds to libstdc++'s and glibc's own definitions of these objects.
// If the executable was linked with copy relocations for them (code compiled -fPIE rather than
// -fPIC), the rest of the process uses the executable's copies, and the module would write to
// never-initialized streams: compare both views and refuse instead of crashing later.
Status CheckSharedObjects(const std::string& path, void* handle) {
  using AddressesFn = void (*)(const void**, size_t);
  auto addresses = reinterpret_cast<AddressesFn>(dlsym(handle, "xspm_shared_object_addresses"));
  if (addresses == nullptr) {
    return Status::Error(ErrorKind::kFailed, path +
                                                 ": not an xstilts sentencepiece module "
                                                 "(no xspm_shared_object_addresses)");
  }
  constexpr size_t kCount = 5;
  const void* module_view[kCount] = {};
  addresses(module_view, kCount);
  const void* our_view[kCount] = {&std::cout, &std::cin, &std::cerr, &std::clog,
                                  &__libc_single_threaded};
  const char* names[kCount] = {"std::cout", "std::cin", "std::cerr", "std::clog",
                               "__libc_single_threaded"};
  std::string split;
  for (size_t i = 0; i < kCount; ++i) {
    if (module_view[i] != our_view[i]) split += std::string(split.empty() ? "" : ", ") + names[i];
  }
  if (split.empty()) return Status::Ok();
  return Status::Error(
      ErrorKind::kFailed,
      path + ": the executable has its own copies of " + split +
          " (COPY relocations), so the module would use uninitialized ones; compile the "
          "executable with -fPIC (see docs/tokenizer.md)");
}
#endif

}  // namespace

SpmModuleSearch DefaultSpmModuleSearch() {
#ifdef XSTILTS_SPM_MODULE_BUILD_PATH
  return DefaultModuleSearch(kSpmModuleLocation, XSTILTS_SPM_MODULE_BUILD_PATH);
#else
  return DefaultModuleSearch(kSpmModuleLocation, "");
#endif
}

Result<std::shared_ptr<const SpmModule>> SpmModule::Open(const std::string& path) {
  // RTLD_LOCAL keeps sentencepiece's protobuf symbols out of the global scope; RTLD_DEEPBIND
  // makes the module and its dependencies (libsentencepiece) look in their own scope first, so
  // they never bind to LibTorch's libprotobuf, which is already in the global scope.
  // Sanitizer builds are LibTorch-free (no other protobuf to avoid), and ASan and TSan refuse
  // RTLD_DEEPBIND: they load the module without it (CMakeLists.txt, XSTILTS_SANITIZE).
#ifdef XSTILTS_SPM_WITHOUT_DEEPBIND
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL);
#else
  void* handle = dlopen(path.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND);
#endif
  if (handle == nullptr) {
    const char* why = dlerror();
    return Status::Error(ErrorKind::kFailed, "cannot open the sentencepiece module " + path + ": " +
                                                 (why ? why : "unknown dlopen error"));
  }
  // The handle is never closed: protobuf's static state inside libsentencepiece is not meant to
  // be torn down while other threads may still hold models.
  using VersionFn = uint32_t (*)();
  auto version = reinterpret_cast<VersionFn>(dlsym(handle, "xspm_abi_version"));
  if (version == nullptr) {
    return Status::Error(ErrorKind::kFailed,
                         path + ": not an xstilts sentencepiece module (no xspm_abi_version)");
  }
  if (version() != XSTILTS_SPM_ABI_VERSION) {
    return Status::Error(ErrorKind::kFailed,
                         path + ": module ABI version " + std::to_string(version()) +
                             ", this program needs " + std::to_string(XSTILTS_SPM_ABI_VERSION) +
                             " (stale build? rebuild the xstilts_spm target)");
  }
#ifndef XSTILTS_SPM_WITHOUT_DEEPBIND
  XSTILTS_RETURN_IF_ERROR(CheckSharedObjects(path, handle));
#endif
  SpmApi api;
  std::string missing;
  Resolve(handle, "xspm_load_bytes", &api.load_bytes, &missing);
  Resolve(handle, "xspm_free", &api.free, &missing);
  Resolve(handle, "xspm_serialize", &api.serialize, &missing);
  Resolve(handle, "xspm_piece_size", &api.piece_size, &missing);
  Resolve(handle, "xspm_special_id", &api.special_id, &missing);
  Resolve(handle, "xspm_piece_to_id", &api.piece_to_id, &missing);
  Resolve(handle, "xspm_id_to_piece", &api.id_to_piece, &missing);
  Resolve(handle, "xspm_piece_type", &api.piece_type, &missing);
  Resolve(handle, "xspm_encode", &api.encode, &missing);
  Resolve(handle, "xspm_encode_pieces", &api.encode_pieces, &missing);
  Resolve(handle, "xspm_decode", &api.decode, &missing);
  Resolve(handle, "xspm_train", &api.train, &missing);
  if (!missing.empty()) {
    return Status::Error(ErrorKind::kFailed, path + ": module lacks " + missing);
  }
  return std::shared_ptr<const SpmModule>(new SpmModule(path, api));
}

Result<std::shared_ptr<const SpmModule>> SpmModule::Find(const SpmModuleSearch& search) {
  Result<std::string> path = FindModule(kSpmModuleLocation, search);
  if (!path.ok()) return path.status();
  return Open(path.value());
}

Result<std::shared_ptr<const SpmModule>> SpmModule::Shared() {
  static std::mutex mutex;
  static std::shared_ptr<const SpmModule> shared;
  std::lock_guard<std::mutex> lock(mutex);
  if (shared) return shared;
  auto found = Find(DefaultSpmModuleSearch());
  if (found.ok()) shared = found.value();
  return found;
}

}  // namespace xstilts
