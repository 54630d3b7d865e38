// The shape of the source tree, checked rather than hoped for (docs/design.md, "The folders"):
// - includes point one way: base <- graph <- data <- (eval, model, tokenizer, report) <- nodes
//   <- engine <- cluster <- cli, and nothing outside tests/ includes cli/;
// - no hand-written source file is over 500 lines, and no function over 100 lines.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path kRoot = XSTILTS_SOURCE_DIR;

// What each top-level folder may include besides itself.
const std::map<std::string, std::set<std::string>>& AllowedIncludes() {
  static const std::map<std::string, std::set<std::string>> allowed = [] {
    const std::set<std::string> core = {"base", "graph", "data"};
    std::set<std::string> nodes = core;
    nodes.insert({"eval", "model", "tokenizer", "report"});
    std::set<std::string> engine = nodes;
    engine.insert("nodes");
    std::set<std::string> cluster = engine;
    cluster.insert("engine");
    std::set<std::string> cli = cluster;
    cli.insert("cluster");
    std::set<std::string> outside_cli = cli;
    outside_cli.erase("cli");
    return std::map<std::string, std::set<std::string>>{
        {"base", {}},
        {"graph", {"base"}},
        {"data", {"base", "graph"}},
        {"eval", core},
        {"model", core},
        {"tokenizer", core},
        {"report", core},
        {"nodes", nodes},
        {"engine", engine},
        {"cluster", cluster},
        {"cli", cli},
        {"bench", outside_cli},
    };
  }();
  return allowed;
}

std::vector<fs::path> SourceFiles() {
  std::vector<fs::path> files;
  for (const std::string top : {"base", "graph", "data", "eval", "model", "tokenizer", "report", "nodes", "engine",
                                "cluster", "cli", "bench", "tests"}) {
    for (const auto& entry : fs::recursive_directory_iterator(kRoot / top)) {
      const std::string ext = entry.path().extension().string();
      if (entry.is_regular_file() && (ext == ".cc" || ext == ".h")) files.push_back(entry.path());
    }
  }
  return files;
}

std::vector<std::string> Lines(const fs::path& path) {
  std::ifstream in(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string TopFolder(const fs::path& path) { return path.lexically_relative(kRoot).begin()->string(); }

// Tables written by a generator say so in their first lines.
bool IsGenerated(const std::vector<std::string>& lines) {
  for (size_t i = 0; i < lines.size() && i < 3; ++i) {
    if (lines[i].find("enerated by") != std::string::npos) return true;
  }
  return false;
}

TEST(Layering, FolderListIsComplete) {
  ASSERT_TRUE(fs::exists(kRoot / "base" / "status.h")) << kRoot;
  size_t checked = 0;
  for (const fs::path& file : SourceFiles()) checked += AllowedIncludes().count(TopFolder(file));
  EXPECT_GT(checked, 200u);  // the tree, not an empty or wrong directory
}

TEST(Layering, IncludesPointOneWay) {
  const std::regex include_re(R"re(^\s*#\s*include\s+"([a-z_]+)/[^"]+")re");
  for (const fs::path& file : SourceFiles()) {
    const std::string from = TopFolder(file);
    auto allowed = AllowedIncludes().find(from);
    if (allowed == AllowedIncludes().end()) continue;  // tests/ may include anything
    const std::vector<std::string> lines = Lines(file);
    for (size_t i = 0; i < lines.size(); ++i) {
      std::smatch m;
      if (!std::regex_search(lines[i], m, include_re)) continue;
      const std::string to = m[1];
      if (to == from || !AllowedIncludes().count(to)) continue;
      EXPECT_TRUE(allowed->second.count(to))
          << file.lexically_relative(kRoot).string() << ":" << i + 1 << ": " << from << "/ must not include " << to
          << "/ (" << lines[i] << ")";
    }
  }
}

TEST(Layering, NoSourceFileOver500Lines) {
  for (const fs::path& file : SourceFiles()) {
    const std::vector<std::string> lines = Lines(file);
    if (IsGenerated(lines)) continue;
    EXPECT_LE(lines.size(), 500u) << file.lexically_relative(kRoot).string();
  }
}

// Whether the last non-blank character of `line` is one of `chars`.
bool EndsWithAnyOf(const std::string& line, const char* chars) {
  const size_t last = line.find_last_not_of(" \t");
  return last != std::string::npos && std::string(chars).find(line[last]) != std::string::npos;
}

// A function definition at namespace scope starts at column 0 with a name and a parameter list,
// its "{" ends that line or one of the next few (a signature that wraps), and it ends at the next
// line that is "}" alone: the style of this tree (namespaces are not indented).
TEST(Layering, NoFunctionOver100Lines) {
  const std::regex start_re(R"re(^[A-Za-z_].*\()re");
  const std::regex not_function_re(R"re(^(namespace|class|struct|enum|union|extern|#|using|typedef|template))re");
  size_t functions = 0;
  for (const fs::path& file : SourceFiles()) {
    const std::vector<std::string> lines = Lines(file);
    if (IsGenerated(lines)) continue;
    for (size_t i = 0; i < lines.size(); ++i) {
      if (!std::regex_search(lines[i], start_re) || std::regex_search(lines[i], not_function_re)) continue;
      size_t open = i;
      while (open < lines.size() && open < i + 8 && !EndsWithAnyOf(lines[open], "{;}")) ++open;
      if (open == lines.size() || open == i + 8 || !EndsWithAnyOf(lines[open], "{")) continue;
      size_t end = open + 1;
      while (end < lines.size() && lines[end] != "}" && lines[end] != "};") ++end;
      ++functions;
      EXPECT_LE(end - i + 1, 100u) << file.lexically_relative(kRoot).string() << ":" << i + 1 << ": " << lines[i];
      i = end;
    }
  }
  EXPECT_GT(functions, 1000u);  // the pattern still finds the tree's functions
}

}  // namespace
