// NodeType: the self-description of one kind of pipeline node, and NodeContext, what its body sees.
//
// Each node type lives in one file under nodes/ and registers a NodeType with
// XSTILTS_REGISTER_NODE_TYPE (graph/registry.h). The descriptor drives validation of pipeline
// files, `xstilts nodes`, `xstilts schema`, the generated node reference and the cache key.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <optional>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace xstilts {

enum class ParamType { kString, kInt, kFloat, kBool, kStringList, kIntList, kFloatList, kMap, kAny };
const char* ParamTypeName(ParamType type);  // "string", "int", "list of strings", ...

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::kString;
  nlohmann::json default_value;  // null: the parameter is required
  std::string doc;
  std::vector<std::string> choices;  // for strings: the allowed values (empty: any)
  bool in_key = true;                // false for settings that cannot change the result (e.g. log cadence)
  // In the key only when set to another value than the default: a parameter added to a type later,
  // whose default does what the type did before, leaves the keys of existing nodes unchanged.
  bool key_omits_default = false;
  // Numbers (each element of a number list): the smallest and largest allowed values, checked
  // when the pipeline loads. `min_exclusive`: the value must be greater than `min`.
  std::optional<double> min;
  bool min_exclusive = false;
  std::optional<double> max;
  bool non_empty = false;  // strings and lists: "" or [] is refused
  bool required() const { return default_value.is_null(); }

  // Copies with a constraint added: ParamSpec{"batch_size", ParamType::kInt, 32, "..."}.AtLeast(1).
  ParamSpec AtLeast(double value) const;
  ParamSpec Above(double value) const;
  ParamSpec AtMost(double value) const;
  ParamSpec NonEmpty() const;
  ParamSpec KeyedWhenNotDefault() const;  // key_omits_default
  // The constraints in words ("at least 1", "greater than 0 and at most 1", "non-empty"), or "".
  std::string DescribeConstraints() const;
};

// A problem with a node's params as a whole, about `param` (to point at its value).
struct ParamProblem {
  std::string param;
  std::string message;  // "hidden (30) must be a multiple of heads (4)"
};

struct PortSpec {
  std::string name;
  std::string kind;  // artifact kind, e.g. "files", "examples", "tokens", "model", "metrics"
  std::string doc;
  bool optional = false;
  bool many = false;  // accepts a list of references (fan-in), e.g. a report over many evaluations
  // When connected, relative paths in the node's params name files inside this input (a files
  // bundle) instead of the pipeline's folder, and the type's extra_key is not called: the input's
  // key already covers those files (nodes/files_input.h).
  bool rebases_paths = false;
};

struct Resources {
  int threads = 1;  // cores the body may use; 0 = all the executor has
  int gpus = 0;
  // Memory and wall time the node needs: what a cluster scheduler is asked for (--mem, --time).
  // 0: not declared (the scheduler's default). Locally, memory beyond the machine's is refused.
  int64_t memory_bytes = 0;
  int64_t time_seconds = 0;
};

// What the cost accounting records for a node (issue: compute accounting). Bodies fill what they
// know; the runner adds wall/cpu time and peak RSS.
struct NodeCost {
  double tokens = 0;
  double flops = 0;
  double parameters = 0;
  std::string device = "cpu";
};

// One node upstream of a running node, as NodeContext::lineage() gives it.
struct LineageNode {
  std::string name;
  std::string type;
  std::string key;
  nlohmann::json params;                                  // typed, defaults filled in
  std::map<std::string, std::vector<std::string>> inputs; // port -> producer node names
  // The cache entry's metadata (seconds, cpu_seconds, threads, cost, ...): what the run that built
  // it recorded. Null when the node has no entry.
  nlohmann::json record;
  std::filesystem::path entry_dir;  // holds <port>.h5 for each output port
  bool reused = false;              // this run found it in the cache instead of building it
};

// What a running node body sees. Created by the runner; valid only during the call.
class NodeContext {
 public:
  virtual ~NodeContext() = default;
  virtual const std::string& node_name() const = 0;
  virtual const nlohmann::json& params() const = 0;  // typed, defaults filled in
  // Artifact files of an input port (one per reference; empty for an unconnected optional port).
  virtual std::vector<std::filesystem::path> inputs(const std::string& port) const = 0;
  std::filesystem::path input(const std::string& port) const;  // exactly one; throws otherwise
  // The node that made each artifact of inputs(port), in the same order: its name, or "name.port"
  // when the reference names an output other than the node's first.
  virtual std::vector<std::string> input_names(const std::string& port) const = 0;
  // The input ports that are connected, in the type's order (open ports by name).
  virtual std::vector<std::string> input_ports() const = 0;
  // Where to write the artifact of an output port: an HDF5 file in a private temp directory.
  virtual std::filesystem::path output(const std::string& port) const = 0;
  // A private, empty directory for the body's temporary files, removed after the node ends.
  virtual std::filesystem::path scratch_dir() const = 0;
  // A directory that survives an interrupted run of this same key (for training checkpoints).
  virtual std::filesystem::path resume_dir() const = 0;
  // The pipeline file's directory: relative paths in params are relative to it.
  virtual std::filesystem::path base_dir() const = 0;
  // The pipeline's run directory in the cache (runs/<pipeline id>: run logs, metrics JSON); it
  // may not exist yet. Bodies write there only human-facing copies of what their outputs hold.
  virtual std::filesystem::path run_dir() const = 0;
  // The node's cache key (hex); "" where the body runs outside the cache (`xstilts export`).
  virtual std::string key() const { return ""; }
  virtual int threads() const = 0;
  virtual bool cancelled() const = 0;
  // fraction in [0,1] or < 0 when unknown; message is short ("step 40/100 loss 0.52").
  virtual void Progress(double fraction, const std::string& message) = 0;
  virtual void Log(const std::string& line) = 0;
  virtual NodeCost& cost() = 0;
  // Every node upstream of this one, in topological order; empty unless the type reads_lineage.
  virtual std::vector<LineageNode> lineage() const { return {}; }
};

// Hashes files for cache keys, reusing earlier hashes of unchanged files (data/cached_file_hasher.h).
class FileHasher {
 public:
  virtual ~FileHasher() = default;
  // SHA-256 hex of the file's content; for a directory, of its sorted (relative path, hash) list.
  // Throws std::runtime_error naming the path when it cannot be read or is neither a regular
  // file nor a directory (a FIFO or a device would block or never end).
  virtual std::string Hash(const std::filesystem::path& path) = 0;
};

// An external file (or directory) whose content hash a node's key holds.
struct HashedFile {
  std::filesystem::path path;  // absolute
  std::string sha256;
};

struct NodeType {
  std::string name;
  std::string summary;
  std::string example;  // a YAML snippet declaring one node of this type
  int version = 1;      // bump when the body's output changes for the same params and inputs
  std::vector<PortSpec> inputs;
  // Accepts input ports of any name besides `inputs` (each of kind "any", one or more artifacts);
  // `exec` uses this so a script can name its inputs.
  bool open_inputs = false;
  std::vector<PortSpec> outputs;  // the first is the default port of a `node` reference
  std::vector<ParamSpec> params;
  Resources resources;
  // Runs the node. Throws InputError for bad user data and std::exception for other failures.
  std::function<void(NodeContext&)> run;
  // Relations between params that no single param states (hidden a multiple of heads), checked
  // when the pipeline loads, after each param passed its own checks. Optional.
  std::function<std::vector<ParamProblem>(const nlohmann::json& params)> check_params;
  // Relations between params and which optional inputs are connected (an input that needs a
  // param set), checked when the pipeline loads. Optional.
  std::function<std::vector<ParamProblem>(const nlohmann::json& params, const std::set<std::string>& connected)>
      check_inputs;
  // The name of the body in the LibTorch node module that `run` calls (nodes/torch_module.h), or
  // empty when `run` is the whole body. A test checks that the module has a body for each.
  std::string torch_body;
  // The body reads NodeContext::lineage() (e.g. a report labelling results by the nodes that made
  // them); the cache key then also holds every upstream node's name and type.
  bool reads_lineage = false;
  // Optional: key content beyond params and inputs (e.g. hashes of external files named in params;
  // relative paths are relative to `base_dir`, the pipeline file's directory).
  std::function<nlohmann::json(const nlohmann::json& params, const std::filesystem::path& base_dir,
                               FileHasher& hasher)>
      extra_key;

  const ParamSpec* FindParam(const std::string& param) const;
  // Declared input port, or for open_inputs types a synthesized "any" port; nullptr if neither.
  const PortSpec* FindInput(const std::string& port) const;
  const PortSpec* FindOutput(const std::string& port) const;
};

}  // namespace xstilts
