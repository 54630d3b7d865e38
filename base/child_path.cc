#include "base/child_path.h"

#include <stdexcept>

namespace xstilts {

std::filesystem::path ChildPath(const std::filesystem::path& dir, const std::string& name) {
  const bool safe = !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
                    name.find('\0') == std::string::npos;
  if (!safe) throw std::runtime_error("refusing the name '" + name + "' as a file name inside " + dir.string());
  return dir / name;
}

}  // namespace xstilts
