// exec: runs an external command; the files it writes to $XSTILTS_OUT become its artifact.
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>
#include <utility>

#include "base/child_path.h"
#include "data/file_bundle.h"
#include "graph/registry.h"
#include "nodes/subprocess.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// Environment variable names allow [A-Za-z0-9_]; port names are snake_case already.
std::string EnvName(const std::string& port) {
  std::string name = "XSTILTS_IN_";
  for (char c : port) name += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}

constexpr int kShownStdoutLines = 20;
constexpr size_t kTailLines = 20;

// Copies the command's stdout.txt and stderr.txt into the run's folder (logs/<node>/, each file
// replaced whole by a rename), where they outlive the node's scratch directory; returns that
// folder, or "" when it cannot be written (the run goes on: the logs are for people).
fs::path KeepOutput(NodeContext& ctx, const SubprocessOptions& options) {
  std::error_code ec;
  const fs::path logs = ChildPath(ctx.run_dir() / "logs", ctx.node_name());
  fs::create_directories(logs, ec);
  for (const fs::path& file : {options.stdout_path, options.stderr_path}) {
    const fs::path temp = logs / (file.filename().string() + ".tmp" + std::to_string(::getpid()));
    fs::copy_file(file, temp, fs::copy_options::overwrite_existing, ec);
    if (!ec) fs::rename(temp, logs / file.filename(), ec);
    if (ec) {
      fs::remove(temp, ec);
      return {};
    }
  }
  return logs;
}

// The last lines of both streams (a script may print its error to either) and where they are whole.
std::string OutputTails(const SubprocessOptions& options, const fs::path& kept) {
  std::string shown;
  for (const auto& [name, path] : {std::pair{"stdout", options.stdout_path}, std::pair{"stderr", options.stderr_path}}) {
    const std::string tail = TailOfFile(path, kTailLines);
    if (!tail.empty()) shown += std::string("\n") + name + " ends with:\n" + tail;
  }
  if (shown.empty()) shown = "\n(it printed nothing)";
  if (!kept.empty()) shown += "\nwhole output: " + (kept / "stdout.txt").string() + " and stderr.txt";
  return shown;
}

fs::path Resolve(const fs::path& base, const std::string& path) {
  fs::path p(path);
  return p.is_absolute() ? p : base / p;
}

void RunExec(NodeContext& ctx) {
  const nlohmann::json& params = ctx.params();
  SubprocessOptions options;
  options.argv = params["cmd"].get<std::vector<std::string>>();
  if (options.argv.empty()) throw std::runtime_error("parameter 'cmd' is an empty list");
  fs::path out_dir = ctx.scratch_dir() / "out";
  fs::create_directories(out_dir);
  options.env["XSTILTS_OUT"] = out_dir.string();
  options.env["XSTILTS_NODE"] = ctx.node_name();
  options.env["XSTILTS_THREADS"] = std::to_string(ctx.threads());
  // Keep numeric libraries within the node's thread tokens.
  options.env["OMP_NUM_THREADS"] = std::to_string(ctx.threads());
  for (const auto& [key, value] : params["env"].items()) {
    options.env[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  fs::path workdir = params["workdir"].get<std::string>().empty() ? ctx.base_dir()
                                                                  : Resolve(ctx.base_dir(), params["workdir"].get<std::string>());
  options.cwd = workdir;
  options.stdout_path = ctx.scratch_dir() / "stdout.txt";
  options.stderr_path = ctx.scratch_dir() / "stderr.txt";
  options.timeout_seconds = params["timeout"].get<double>();
  options.cancelled = [&ctx] { return ctx.cancelled(); };
  // Each input port becomes a directory of files: one artifact's files directly, or, when a port
  // has several artifacts (a list of references or a glob), one subdirectory per upstream node,
  // named after it (docs/artifacts.md).
  for (const std::string& port : ctx.input_ports()) {
    const std::vector<fs::path> artifacts = ctx.inputs(port);
    const std::vector<std::string> names = ctx.input_names(port);
    fs::path dir = ctx.scratch_dir() / ("in_" + port);
    if (artifacts.size() == 1) {
      UnpackFiles(artifacts[0], dir);
    } else {
      for (size_t i = 0; i < artifacts.size(); ++i) UnpackFiles(artifacts[i], ChildPath(dir, names.at(i)));
    }
    options.env[EnvName(port)] = dir.string();
  }
  SubprocessResult result = RunSubprocess(options);
  if (result.cancelled) return;  // the runner sees ctx.cancelled() and discards everything
  const fs::path kept = KeepOutput(ctx, options);
  std::string failure;
  if (result.timed_out) failure = "command timed out after " + params["timeout"].dump() + " s";
  if (result.signal != 0 && !result.timed_out) failure = "command killed by signal " + std::to_string(result.signal);
  if (result.exit_code != 0 && result.signal == 0) failure = "command exited with status " + std::to_string(result.exit_code);
  if (!failure.empty()) throw std::runtime_error(failure + OutputTails(options, kept));
  // Show what the command printed (the first lines), so a quick script's answer is visible.
  std::ifstream out(options.stdout_path);
  std::string line;
  for (int n = 0; n < kShownStdoutLines && std::getline(out, line); ++n) ctx.Log(line);
  if (std::getline(out, line)) ctx.Log("... (more in its output)");
  PackFiles(out_dir, ctx.output("out"));
}

nlohmann::json ExecKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  nlohmann::json files = nlohmann::json::object();
  for (const std::string& dep : params["deps"].get<std::vector<std::string>>()) {
    files[dep] = hasher.Hash(Resolve(base_dir, dep));
  }
  return {{"files", files}};
}

NodeType MakeExecNodeType() {
  NodeType t;
  t.name = "exec";
  t.summary = "Runs an external command; the files it writes into $XSTILTS_OUT become its artifact.";
  t.example = R"(hello:
  type: exec
  params:
    cmd: ["sh", "-c", "echo hi > $XSTILTS_OUT/greeting.txt"]
shout:
  type: exec
  inputs: {text: hello}
  params:
    cmd: ["sh", "-c", "tr a-z A-Z < $XSTILTS_IN_text/greeting.txt > $XSTILTS_OUT/loud.txt"])";
  t.version = 1;
  t.open_inputs = true;  // inputs: {<any name>: node | [nodes]} -> $XSTILTS_IN_<name>
  t.outputs = {PortSpec{"out", "files", "the files the command wrote into $XSTILTS_OUT"}};
  t.params = {
      ParamSpec{"cmd", ParamType::kStringList, nullptr, "the command and its arguments (no shell unless you call one)"}
          .NonEmpty(),
      ParamSpec{"env", ParamType::kMap, nlohmann::json::object(), "extra environment variables"},
      ParamSpec{"deps", ParamType::kStringList, nlohmann::json::array(),
                "files or directories whose content joins the cache key (e.g. the script it runs)"},
      ParamSpec{"workdir", ParamType::kString, "", "working directory (default: the pipeline file's directory)"},
      ParamSpec{"timeout", ParamType::kFloat, 0.0, "seconds before the command is stopped; 0 = no limit", {}, false}
          .AtLeast(0),
  };
  t.resources.threads = 1;
  t.run = RunExec;
  t.extra_key = ExecKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeExecNodeType);

}  // namespace xstilts
