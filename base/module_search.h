// Finding the shared modules xstilts loads at run time (the sentencepiece module, the LibTorch
// node module). Where a module is looked for, in order:
//   1. $<env var>, if set: that file and nothing else;
//   2. <file> in the directory of the running executable;
//   3. <executable's directory>/../lib/xstilts/<file> (installed layout);
//   4. the module's path in the build tree, fixed at compile time.
// The first candidate that exists is the answer; a broken file there is the caller's error to
// report, never silently replaced by a later candidate.
#pragma once

#include <string>

#include "base/status.h"

namespace xstilts {

// What to look for, and how to name it in messages.
struct ModuleLocation {
  std::string file_name;  // e.g. "libxstilts_spm.so"
  std::string env_var;    // e.g. "XSTILTS_SPM_MODULE"
  std::string what;       // e.g. "sentencepiece module"
};

// Where to look. DefaultModuleSearch fills it for the running process.
struct ModuleSearch {
  std::string env_override;    // the value of the env var; empty when unset
  std::string executable_dir;  // directory of the running executable; empty if unknown
  std::string build_path;      // the module in the build tree; empty if unknown
};

ModuleSearch DefaultModuleSearch(const ModuleLocation& location, const std::string& build_path);

// The first candidate that exists, or kNotFound listing every place looked at.
Result<std::string> FindModule(const ModuleLocation& location, const ModuleSearch& search);

}  // namespace xstilts
