// SpmModule: finds and opens the sentencepiece module (libxstilts_spm.so) and holds its C API.
//
// The module is opened with dlopen(RTLD_NOW | RTLD_LOCAL | RTLD_DEEPBIND) so that sentencepiece
// and the protobuf 3.14 it carries bind to each other and never to LibTorch's libprotobuf 3.21
// (docs/tokenizer.md). It is looked for as base/module_search.h describes, with
// $XSTILTS_SPM_MODULE as the override; if opening the file found fails, that is the error.
//
// Opening also checks that the executable does not carry copy-relocated duplicates of
// std::cout/cin/cerr/clog or __libc_single_threaded: with RTLD_DEEPBIND the module would bind to
// libstdc++'s originals while the rest of the process uses the copies, and crash in iostream
// code. Executables avoid this by being compiled with -fPIC (not only -fPIE).
//
// A loaded module stays loaded for the life of the process (it is never dlclose'd). All methods
// are thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/module_search.h"
#include "base/status.h"
#include "tokenizer/spm_module_api.h"

namespace xstilts {

// The file name of the module.
inline constexpr char kSpmModuleFileName[] = "libxstilts_spm.so";
// The environment variable that overrides where the module is looked for.
inline constexpr char kSpmModuleEnvVar[] = "XSTILTS_SPM_MODULE";

using SpmModuleSearch = ModuleSearch;

// The search of the running process: the environment, /proc/self/exe, the compile-time path.
SpmModuleSearch DefaultSpmModuleSearch();

// The C functions of one loaded module.
struct SpmApi {
  decltype(&xspm_load_bytes) load_bytes = nullptr;
  decltype(&xspm_free) free = nullptr;
  decltype(&xspm_serialize) serialize = nullptr;
  decltype(&xspm_piece_size) piece_size = nullptr;
  decltype(&xspm_special_id) special_id = nullptr;
  decltype(&xspm_piece_to_id) piece_to_id = nullptr;
  decltype(&xspm_id_to_piece) id_to_piece = nullptr;
  decltype(&xspm_piece_type) piece_type = nullptr;
  decltype(&xspm_encode) encode = nullptr;
  decltype(&xspm_encode_pieces) encode_pieces = nullptr;
  decltype(&xspm_decode) decode = nullptr;
  decltype(&xspm_train) train = nullptr;
};

class SpmModule {
 public:
  // The process-wide module, found with DefaultSpmModuleSearch() on first success and cached.
  // A failure is not cached: the next call searches again.
  static Result<std::shared_ptr<const SpmModule>> Shared();

  // Finds and opens the module with `search`. Errors (kNotFound when no candidate exists,
  // kFailed when one exists but cannot be used) name every place that was looked at.
  static Result<std::shared_ptr<const SpmModule>> Find(const SpmModuleSearch& search);

  // Opens the module at `path` (no search).
  static Result<std::shared_ptr<const SpmModule>> Open(const std::string& path);

  const std::string& path() const { return path_; }
  const SpmApi& api() const { return api_; }

 private:
  SpmModule(std::string path, SpmApi api) : path_(std::move(path)), api_(api) {}
  std::string path_;
  SpmApi api_;
};

}  // namespace xstilts
