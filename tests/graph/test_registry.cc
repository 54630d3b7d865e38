#include "tests/graph/test_registry.h"

#include <fstream>

namespace xstilts::testing {
namespace {

void WriteOutputs(NodeContext& ctx, const std::vector<PortSpec>& outputs) {
  for (const PortSpec& p : outputs) std::ofstream(ctx.output(p.name)) << "artifact";
}

NodeRegistry* Build() {
  auto* registry = new NodeRegistry();
  NodeType source;
  source.name = "source";
  source.summary = "reads text";
  source.outputs = {PortSpec{"out", "text", "the text"}};
  source.params = {ParamSpec{"path", ParamType::kString, nullptr, "file to read"},
                   ParamSpec{"count", ParamType::kInt, 1, "how many"}};
  source.run = [outs = source.outputs](NodeContext& ctx) { WriteOutputs(ctx, outs); };
  registry->Add(source);

  NodeType train;
  train.name = "train";
  train.summary = "trains a model";
  train.inputs = {PortSpec{"data", "text", "training text"}, PortSpec{"init", "model", "start from", true}};
  train.outputs = {PortSpec{"model", "model", "the model"}, PortSpec{"log", "text", "the log"}};
  train.params = {ParamSpec{"learning_rate", ParamType::kFloat, 3e-5, "peak learning rate"},
                  ParamSpec{"epochs", ParamType::kInt, 3, "passes over the data"},
                  ParamSpec{"optimizer", ParamType::kString, "adamw", "optimizer", {"adamw", "sgd"}},
                  ParamSpec{"languages", ParamType::kStringList, nlohmann::json::array(), "languages"},
                  ParamSpec{"verbose", ParamType::kBool, false, "log more", {}, false},
                  ParamSpec{"mixing", ParamType::kFloat, 0.0, "a parameter added later"}.KeyedWhenNotDefault()};
  train.resources.threads = 2;
  train.run = [outs = train.outputs](NodeContext& ctx) { WriteOutputs(ctx, outs); };
  registry->Add(train);

  NodeType evaluate;
  evaluate.name = "evaluate";
  evaluate.summary = "evaluates a model";
  evaluate.inputs = {PortSpec{"model", "model", "the model"}, PortSpec{"data", "text", "test text"}};
  evaluate.outputs = {PortSpec{"metrics", "metrics", "scores"}};
  evaluate.params = {ParamSpec{"language", ParamType::kString, "en", "language"}};
  evaluate.run = [outs = evaluate.outputs](NodeContext& ctx) { WriteOutputs(ctx, outs); };
  registry->Add(evaluate);

  NodeType report;
  report.name = "report";
  report.summary = "summarizes metrics";
  report.inputs = {PortSpec{"metrics", "metrics", "all scores", false, true}};
  report.outputs = {PortSpec{"out", "report", "the report"}};
  report.run = [outs = report.outputs](NodeContext& ctx) { WriteOutputs(ctx, outs); };
  registry->Add(report);

  NodeType summary = report;  // a report that labels its rows with upstream node names
  summary.name = "summary";
  summary.reads_lineage = true;
  registry->Add(summary);

  NodeType reader;  // reads a local file, or one inside its optional `files` input
  reader.name = "reader";
  reader.summary = "reads a file";
  PortSpec files{"files", "text", "where `path` is", true, true};
  files.rebases_paths = true;
  reader.inputs = {files};
  reader.outputs = {PortSpec{"out", "text", "the text"}};
  reader.params = {ParamSpec{"path", ParamType::kString, nullptr, "file to read"}};
  reader.run = [outs = reader.outputs](NodeContext& ctx) { WriteOutputs(ctx, outs); };
  reader.extra_key = [](const nlohmann::json& params, const std::filesystem::path& base, FileHasher& hasher) {
    return nlohmann::json{{"files", {{params["path"].get<std::string>(),
                                      hasher.Hash(base / params["path"].get<std::string>())}}}};
  };
  registry->Add(reader);
  return registry;
}

}  // namespace

const NodeRegistry& TestRegistry() {
  static const NodeRegistry* registry = Build();
  return *registry;
}

}  // namespace xstilts::testing
