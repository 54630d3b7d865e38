// The bodies of import_hf and export_hf (descriptors: nodes/import_hf_node.cc).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <filesystem>

#include "base/input_error.h"
#include "data/file_bundle.h"
#include "model/model_facade.h"
#include "nodes/torch/model_node_io.h"
#include "nodes/torch/torch_node_bodies.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

void RunImportHf(NodeContext& ctx) {
  torch::set_num_threads(std::max(ctx.threads(), 1));
  fs::path dir(ctx.params()["path"].get<std::string>());
  if (dir.is_relative()) dir = ctx.base_dir() / dir;
  Status imported = ImportHfModel(dir.string(), ctx.output("model").string());
  if (!imported.ok()) throw InputError(imported.message());
  MarkModelArtifact(ctx.output("model"));
  Result<ModelSummary> summary = DescribeModelArtifact(ctx.output("model").string());
  if (!summary.ok()) throw std::runtime_error(summary.status().message());
  ctx.cost().parameters = static_cast<double>(summary->parameters);
  ctx.Progress(1.0, fmt::format("{} parameters, heads [{}]", summary->parameters, fmt::join(summary->task_names, ", ")));
}

void RunExportHf(NodeContext& ctx) {
  torch::set_num_threads(std::max(ctx.threads(), 1));
  const fs::path dir = ctx.scratch_dir() / "hf";
  Status exported = ExportHfModel(ctx.input("model").string(), dir.string(), ctx.params()["task"].get<std::string>());
  if (!exported.ok()) throw InputError(exported.message());
  PackFiles(dir, ctx.output("hf"));
  Result<ModelSummary> summary = DescribeModelArtifact(ctx.input("model").string());
  if (summary.ok()) ctx.cost().parameters = static_cast<double>(summary->parameters);
}

}  // namespace

XSTILTS_REGISTER_TORCH_NODE_BODY("import_hf", RunImportHf);
XSTILTS_REGISTER_TORCH_NODE_BODY("export_hf", RunExportHf);

}  // namespace xstilts
