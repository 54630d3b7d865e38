#include "base/module_search.h"

#include <cstdlib>
#include <filesystem>
#include <system_error>
#include <utility>
#include <vector>

namespace xstilts {

ModuleSearch DefaultModuleSearch(const ModuleLocation& location, const std::string& build_path) {
  ModuleSearch search;
  if (const char* env = std::getenv(location.env_var.c_str()); env != nullptr) search.env_override = env;
  std::error_code ec;
  const auto exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec) search.executable_dir = exe.parent_path().string();
  search.build_path = build_path;
  return search;
}

Result<std::string> FindModule(const ModuleLocation& location, const ModuleSearch& search) {
  std::vector<std::pair<std::string, std::string>> candidates;  // path, origin
  if (!search.env_override.empty()) {
    candidates.emplace_back(search.env_override, "from $" + location.env_var);
  } else {
    if (!search.executable_dir.empty()) {
      const std::filesystem::path dir(search.executable_dir);
      candidates.emplace_back((dir / location.file_name).string(), "next to the executable");
      candidates.emplace_back((dir.parent_path() / "lib" / "xstilts" / location.file_name).string(),
                              "installed layout");
    }
    if (!search.build_path.empty()) candidates.emplace_back(search.build_path, "build tree");
  }
  std::string looked;
  for (const auto& [path, origin] : candidates) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) return path;
    looked += "\n  " + path + " (" + origin + "): no such file";
  }
  if (candidates.empty()) looked = "\n  (no candidate: executable directory and build path unknown)";
  return Status::Error(ErrorKind::kNotFound, location.what + " " + location.file_name +
                                                 " not found; looked at:" + looked + "\nset " +
                                                 location.env_var + " to the module's path");
}

}  // namespace xstilts
