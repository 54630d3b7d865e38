// ChildPath: a path built from a name that arrives from outside (a node name from a pipeline, from
// cache metadata or from a remote), guaranteed to stay inside its folder. Pipelines validate
// names when they load (graph/pipeline_spec.h); this is the check at the place a path is made.
#pragma once

#include <filesystem>
#include <string>

namespace xstilts {

// `dir / name`, when `name` is one path component that stays in `dir`: not empty, not "." or
// "..", without '/' or NUL. Throws std::runtime_error naming it otherwise.
std::filesystem::path ChildPath(const std::filesystem::path& dir, const std::string& name);

}  // namespace xstilts
