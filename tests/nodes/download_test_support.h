// Test support for the download and files node tests: a NodeContext that runs a registered node
// body outside the CLI, with its directories under a private temp directory, and helpers to read
// a files bundle back.
#pragma once

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/file_bundle.h"
#include "graph/node_type.h"
#include "graph/registry.h"

namespace xstilts::testing {

// A fresh directory per test: /tmp/xstilts_nodes_<pid>/<name>.
inline std::filesystem::path FreshTestDir(const std::string& name) {
  std::filesystem::path dir =
      std::filesystem::temp_directory_path() / ("xstilts_nodes_" + std::to_string(::getpid())) / name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline std::string ReadText(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// Every regular file under `dir`: relative path -> content.
inline std::map<std::string, std::string> ReadTree(const std::filesystem::path& dir) {
  std::map<std::string, std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) files[std::filesystem::relative(e.path(), dir).generic_string()] = ReadText(e.path());
  }
  return files;
}

// Unpacks a files bundle and returns its files.
inline std::map<std::string, std::string> ReadBundle(const std::filesystem::path& artifact,
                                                     const std::filesystem::path& scratch) {
  std::filesystem::remove_all(scratch);
  UnpackFiles(artifact, scratch);
  return ReadTree(scratch);
}

// One "run" of a node: scratch and output are fresh; resume_dir and base_dir are given, so that a
// second context on the same resume_dir plays the next run of the same key.
class FakeNodeContext : public NodeContext {
 public:
  FakeNodeContext(const std::string& type, nlohmann::json params, const std::filesystem::path& run_dir,
                  const std::filesystem::path& resume_dir, const std::filesystem::path& base_dir)
      : type_(NodeRegistry::Global().Find(type)), run_dir_(run_dir), resume_(resume_dir), base_(base_dir) {
    if (!type_) throw std::runtime_error("no node type " + type);
    for (const ParamSpec& p : type_->params) {
      if (!params.contains(p.name)) params[p.name] = p.default_value;
    }
    params_ = std::move(params);
    std::filesystem::remove_all(run_dir_);
    std::filesystem::create_directories(run_dir_ / "scratch");
    std::filesystem::create_directories(run_dir_ / "out");
    std::filesystem::create_directories(resume_);
  }

  void Run() { type_->run(*this); }
  nlohmann::json Key(FileHasher& hasher) const { return type_->extra_key(params_, base_, hasher); }

  const std::string& node_name() const override { return name_; }
  const nlohmann::json& params() const override { return params_; }
  std::vector<std::filesystem::path> inputs(const std::string&) const override { return {}; }
  std::vector<std::string> input_names(const std::string&) const override { return {}; }
  std::vector<std::string> input_ports() const override { return {}; }
  std::filesystem::path output(const std::string& port) const override { return run_dir_ / "out" / (port + ".h5"); }
  std::filesystem::path scratch_dir() const override { return run_dir_ / "scratch"; }
  std::filesystem::path resume_dir() const override { return resume_; }
  std::filesystem::path base_dir() const override { return base_; }
  std::filesystem::path run_dir() const override { return run_dir_ / "run"; }
  int threads() const override { return 1; }
  bool cancelled() const override { return cancel.load(); }
  void Progress(double fraction, const std::string& message) override {
    progress.emplace_back(fraction, message);
    if (on_progress) on_progress();
  }
  void Log(const std::string& line) override { logs.push_back(line); }
  NodeCost& cost() override { return cost_; }

  std::atomic<bool> cancel{false};
  std::vector<std::pair<double, std::string>> progress;
  std::vector<std::string> logs;
  std::function<void()> on_progress;  // called from the body's thread after each Progress

 private:
  const NodeType* type_;
  std::string name_ = "test_node";
  nlohmann::json params_;
  std::filesystem::path run_dir_, resume_, base_;
  NodeCost cost_;
};

}  // namespace xstilts::testing
