#include "nodes/files_input.h"

#include <filesystem>

#include "base/input_error.h"
#include "data/file_bundle.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

constexpr const char* kPort = "files";

// Forwards everything to the node's own context but base_dir().
class RebasedContext : public NodeContext {
 public:
  RebasedContext(NodeContext& inner, fs::path base) : inner_(inner), base_(std::move(base)) {}
  const std::string& node_name() const override { return inner_.node_name(); }
  const nlohmann::json& params() const override { return inner_.params(); }
  std::vector<fs::path> inputs(const std::string& port) const override { return inner_.inputs(port); }
  std::vector<std::string> input_names(const std::string& port) const override { return inner_.input_names(port); }
  std::vector<std::string> input_ports() const override { return inner_.input_ports(); }
  fs::path output(const std::string& port) const override { return inner_.output(port); }
  fs::path scratch_dir() const override { return inner_.scratch_dir(); }
  fs::path resume_dir() const override { return inner_.resume_dir(); }
  fs::path base_dir() const override { return base_; }
  fs::path run_dir() const override { return inner_.run_dir(); }
  std::string key() const override { return inner_.key(); }
  int threads() const override { return inner_.threads(); }
  bool cancelled() const override { return inner_.cancelled(); }
  void Progress(double fraction, const std::string& message) override { inner_.Progress(fraction, message); }
  void Log(const std::string& line) override { inner_.Log(line); }
  NodeCost& cost() override { return inner_.cost(); }
  std::vector<LineageNode> lineage() const override { return inner_.lineage(); }

 private:
  NodeContext& inner_;
  fs::path base_;
};

// The part of the bundles that `path` can touch: its folder, cut before any {placeholder}.
fs::path NeededSubtree(const fs::path& path) {
  fs::path subtree;
  for (auto part = path.begin(); part != path.end(); ++part) {
    if (std::next(part) == path.end() || part->string().find('{') != std::string::npos) break;
    subtree /= *part;
  }
  return path == "." ? fs::path(".") : subtree;
}

}  // namespace

PortSpec FilesInputPort() {
  PortSpec port{kPort, "files",
                "optional: bundles (download, files nodes) that `path` is relative to, instead of the pipeline file's "
                "folder; their keys replace the hashes of local files in the cache key",
                true, true};
  port.rebases_paths = true;
  return port;
}

void RunWithFilesInput(NodeContext& ctx, const std::string& path, const std::function<void(NodeContext&)>& body) {
  const std::vector<fs::path> bundles = ctx.inputs(kPort);
  if (bundles.empty()) return body(ctx);
  const fs::path relative = fs::path(path).lexically_normal();
  bool escapes = relative.is_absolute();
  for (const fs::path& part : relative) escapes = escapes || part == "..";
  if (escapes) {
    throw InputError("path '" + path + "' must be relative and stay inside the `files` input when that input is connected");
  }
  const fs::path base = ctx.scratch_dir() / "files_input";
  const fs::path subtree = NeededSubtree(relative);
  for (size_t i = 0; i < bundles.size(); ++i) {
    // Each bundle goes to its own folder first, so that a file two bundles hold is reported rather
    // than silently overwritten.
    const fs::path staging = ctx.scratch_dir() / ("files_input." + std::to_string(i));
    UnpackFiles(bundles[i], staging, subtree);
    if (!fs::exists(staging)) continue;
    for (const fs::directory_entry& e : fs::recursive_directory_iterator(staging)) {
      if (e.is_directory()) continue;
      const fs::path target = base / e.path().lexically_relative(staging);
      if (fs::exists(target)) {
        throw InputError("two bundles of the `files` input hold '" + e.path().lexically_relative(staging).string() + "'");
      }
      fs::create_directories(target.parent_path());
      fs::rename(e.path(), target);
    }
    fs::remove_all(staging);
  }
  fs::create_directories(base);
  RebasedContext rebased(ctx, base);
  body(rebased);
}

}  // namespace xstilts
