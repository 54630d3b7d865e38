// files: local files and directories, named relative to the pipeline file, as a files bundle.
// Their content is part of the cache key, so editing one makes the node stale and touching one
// does not.
#include <filesystem>
#include <map>
#include <stdexcept>

#include "base/input_error.h"
#include "data/file_bundle.h"
#include "graph/registry.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

struct LocalPath {
  std::string written;  // as in the pipeline file; names the file in the key and in messages
  fs::path resolved;
  std::string name;     // its name in the bundle
};

// Resolves and checks every path. The key function and the body both call it, so a path that
// disappears between planning and running is reported the same way.
std::vector<LocalPath> ReadPaths(const nlohmann::json& params, const fs::path& base_dir) {
  std::vector<LocalPath> paths;
  std::map<std::string, std::string> by_name;
  for (const std::string& written : params["paths"].get<std::vector<std::string>>()) {
    if (written.empty()) throw InputError("parameter 'paths' holds an empty path");
    LocalPath p{written, fs::path(written).is_absolute() ? fs::path(written) : base_dir / written, ""};
    std::error_code ec;
    fs::file_status status = fs::status(p.resolved, ec);
    if (!fs::exists(status)) {
      throw InputError(written, 0,
                       fs::path(written).is_absolute() ? "no such file or directory"
                                                       : "no such file or directory (relative to " + base_dir.string() + ")");
    }
    if (!fs::is_regular_file(status) && !fs::is_directory(status)) {
      throw InputError(written, 0, "not a regular file or directory");
    }
    fs::path normal = p.resolved.lexically_normal();
    if (normal.filename().empty()) normal = normal.parent_path();  // "data/" names "data"
    p.name = normal.filename().string();
    if (p.name.empty() || p.name == "/") throw InputError(written, 0, "cannot store the root directory");
    auto [it, inserted] = by_name.emplace(p.name, written);
    if (!inserted) {
      throw InputError("paths '" + it->second + "' and '" + written + "' would both be stored as '" + p.name + "'");
    }
    paths.push_back(std::move(p));
  }
  return paths;
}

// A hard link where the file system allows it, else a copy. Not a symbolic link: PackFiles
// names files by their resolved path.
void StageFile(const fs::path& source, const fs::path& target) {
  fs::create_directories(target.parent_path());
  fs::path real = fs::canonical(source);  // link(2) would link a symbolic link itself
  std::error_code ec;
  fs::create_hard_link(real, target, ec);
  if (ec) fs::copy_file(real, target);
}

void RunFiles(NodeContext& ctx) {
  fs::path files = ctx.scratch_dir() / "files";
  fs::create_directories(files);
  size_t count = 0;
  for (const LocalPath& p : ReadPaths(ctx.params(), ctx.base_dir())) {
    if (!fs::is_directory(p.resolved)) {
      StageFile(p.resolved, files / p.name);
      ++count;
      continue;
    }
    // The same walk as the key's directory hash: regular files (through file links), without
    // following directory links.
    fs::create_directories(files / p.name);
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(p.resolved)) {
      if (!e.is_regular_file()) continue;
      StageFile(e.path(), files / p.name / e.path().lexically_relative(p.resolved));
      ++count;
    }
  }
  PackFiles(files, ctx.output("out"));
  ctx.Log("stored " + std::to_string(count) + " files");
}

nlohmann::json FilesKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  nlohmann::json files = nlohmann::json::object();
  for (const LocalPath& p : ReadPaths(params, base_dir)) files[p.written] = hasher.Hash(p.resolved);
  return {{"files", files}};
}

NodeType MakeFilesNodeType() {
  NodeType t;
  t.name = "files";
  t.summary = "Local files and directories as a files bundle; their content is part of the cache key.";
  t.example = R"(glossary:
  type: files
  params:
    paths: ["data/glossary.tsv", "data/extra_dev/"])";
  t.version = 1;
  t.outputs = {PortSpec{"out", "files", "each path under its own name; a directory with its whole tree"}};
  t.params = {
      ParamSpec{"paths", ParamType::kStringList, nullptr,
                "files or directories, relative to the pipeline file's directory (or absolute)"},
  };
  t.resources.threads = 1;
  t.run = RunFiles;
  t.extra_key = FilesKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeFilesNodeType);

}  // namespace xstilts
