// xstilts export P NODE DIR: a node's cached artifacts as plain files, for people who do not use
// xstilts: a files artifact as the files themselves, metrics as CSV, a model as a Hugging Face
// folder (config.json + model.safetensors, through the export_hf node's body); other kinds are
// copied as their HDF5 file (docs/artifacts.md describes each).
#include <cstdio>
#include <fstream>

#include <fmt/format.h>

#include "base/messages.h"
#include "cli/commands.h"
#include "data/file_bundle.h"
#include "data/h5_file.h"
#include "data/metrics_table.h"
#include "graph/diagnostics.h"
#include "graph/registry.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// Runs a node type's body on one artifact outside a run: what `export` needs of export_hf.
class ExportContext : public NodeContext {
 public:
  ExportContext(std::string node, nlohmann::json params, std::map<std::string, fs::path> inputs, fs::path scratch)
      : node_(std::move(node)), params_(std::move(params)), inputs_(std::move(inputs)), scratch_(std::move(scratch)) {}
  const std::string& node_name() const override { return node_; }
  const nlohmann::json& params() const override { return params_; }
  std::vector<fs::path> inputs(const std::string& port) const override {
    auto it = inputs_.find(port);
    return it == inputs_.end() ? std::vector<fs::path>{} : std::vector<fs::path>{it->second};
  }
  std::vector<std::string> input_names(const std::string& port) const override { return {port}; }
  std::vector<std::string> input_ports() const override {
    std::vector<std::string> ports;
    for (const auto& [port, path] : inputs_) ports.push_back(port);
    return ports;
  }
  fs::path output(const std::string& port) const override { return scratch_ / (port + ".h5"); }
  fs::path scratch_dir() const override { return scratch_; }
  fs::path resume_dir() const override { return scratch_ / "resume"; }
  fs::path base_dir() const override { return fs::current_path(); }
  fs::path run_dir() const override { return scratch_ / "run"; }
  int threads() const override { return 1; }
  bool cancelled() const override { return false; }
  void Progress(double, const std::string&) override {}
  void Log(const std::string&) override {}
  NodeCost& cost() override { return cost_; }

 private:
  std::string node_;
  nlohmann::json params_;
  std::map<std::string, fs::path> inputs_;
  fs::path scratch_;
  NodeCost cost_;
};

// A training log (a metrics artifact with /train and /dev groups: nodes/torch/training_run.h) as
// train.csv (step, loss, learning_rate, grad_norm) and dev.csv (step, metric).
void WriteTrainingLogCsv(const fs::path& artifact, const fs::path& dir) {
  H5File file(artifact, H5File::Mode::kReadOnly);
  const auto write = [&](const std::string& group, const std::vector<std::string>& columns, const fs::path& csv) {
    std::ofstream out(csv);
    out << "step";
    for (const std::string& c : columns) out << "," << c;
    out << "\n";
    const std::vector<int64_t> steps = file.ReadVector<int64_t>(group + "/step");
    std::vector<std::vector<double>> values;
    for (const std::string& c : columns) values.push_back(file.ReadVector<double>(group + "/" + c));
    for (size_t i = 0; i < steps.size(); ++i) {
      out << steps[i];
      for (const std::vector<double>& v : values) out << "," << (i < v.size() ? fmt::format("{}", v[i]) : "");
      out << "\n";
    }
  };
  write("/train", {"loss", "learning_rate", "grad_norm"}, dir / "train.csv");
  write("/dev", {"metric"}, dir / "dev.csv");
}

void WriteMetricsCsv(const fs::path& artifact, const fs::path& dir, const std::string& port) {
  if (H5File(artifact, H5File::Mode::kReadOnly).Exists("/train")) return WriteTrainingLogCsv(artifact, dir);
  const fs::path csv = dir / (port + ".csv");
  const MetricsTable table = ReadMetricsArtifact(artifact);
  std::ofstream out(csv);
  out << "language";
  for (const std::string& metric : table.metric_names) out << "," << metric;
  out << "\n";
  const auto row = [&](const std::string& language, const std::vector<double>& values) {
    out << language;
    for (double v : values) out << "," << fmt::format("{}", v);
    out << "\n";
  };
  for (size_t r = 0; r < table.rows.size(); ++r) row(table.languages[r], table.rows[r]);
  if (!table.rows.empty()) row("avg", table.Average());
}

void ExportModel(const fs::path& artifact, const fs::path& dir) {
  const NodeType* export_hf = NodeRegistry::Global().Find("export_hf");
  if (export_hf == nullptr) throw std::runtime_error("this xstilts has no export_hf node (built without LibTorch)");
  const fs::path scratch = dir.string() + ".export-tmp";
  fs::create_directories(scratch);
  ExportContext context("export", {{"task", ""}}, {{"model", artifact}}, scratch);
  export_hf->run(context);
  UnpackFiles(context.output("hf"), dir);
  fs::remove_all(scratch);
}

}  // namespace

int ExportCommand(const PipelineOptions& options, const std::string& name, const std::string& out) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  const ResolvedPipeline& pipeline = session->pipeline;
  std::optional<size_t> index;
  std::vector<std::string> names;
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    names.push_back(pipeline.nodes[i].name);
    if (pipeline.nodes[i].name == name) index = i;
  }
  if (!index) {
    PrintError("no node named '" + name + "'" + DidYouMean(name, names));
    return 2;
  }
  std::optional<Plan> plan = PlanWithoutChanges(*session, exit_code);
  if (!plan) return exit_code;
  const std::string& key = plan->nodes[*index].key;
  Status ready = session->store->IsComplete(key) ? Status::Ok() : session->index->Verify(key);
  std::optional<CacheEntry> entry = ready.ok() ? session->store->Lookup(key) : std::nullopt;
  if (!entry || !session->store->Verify(*entry).ok()) {
    PrintError(name + " is not built (or its entry is damaged): `xstilts run " + options.pipeline + " --only " + name +
               "` builds it");
    return 1;
  }
  const NodeType& type = *pipeline.nodes[*index].type;
  try {
    for (const PortSpec& port : type.outputs) {
      const fs::path artifact = entry->artifact(port.name);
      const fs::path target = type.outputs.size() == 1 ? fs::path(out) : fs::path(out) / port.name;
      if (port.kind == "files") {
        UnpackFiles(artifact, target);
      } else if (port.kind == "metrics") {
        fs::create_directories(target);
        WriteMetricsCsv(artifact, target, port.name);
      } else if (port.kind == "model") {
        ExportModel(artifact, target);
      } else {
        fs::create_directories(target);
        fs::copy_file(artifact, target / (port.name + ".h5"), fs::copy_options::overwrite_existing);
      }
      std::printf("%s: %s (%s)\n", port.name.c_str(), target.string().c_str(), port.kind.c_str());
    }
  } catch (const std::exception& e) {
    PrintError(std::string("cannot export ") + name + ": " + e.what());
    return 1;
  }
  return 0;
}

}  // namespace xstilts
