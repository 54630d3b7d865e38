// import_hf and export_hf: Hugging Face checkpoints (config.json + model.safetensors) in and out
// of model artifacts. Bodies in the LibTorch node module (nodes/torch/hf_bodies.cc).
#include <filesystem>

#include "graph/registry.h"
#include "nodes/expected_size_params.h"
#include "nodes/files_input.h"
#include "nodes/torch_module.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

nlohmann::json ImportHfKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  fs::path dir(params["path"].get<std::string>());
  if (dir.is_relative()) dir = base_dir / dir;
  // Only the two files the import reads: other files in the directory (tokenizer, README) do not
  // change the model.
  return {{"config.json", hasher.Hash(dir / "config.json")},
          {"model.safetensors", hasher.Hash(dir / "model.safetensors")}};
}

NodeType MakeImportHfNodeType() {
  NodeType t;
  t.name = "import_hf";
  t.summary = "Reads a Hugging Face RoBERTa / XLM-R checkpoint directory (config.json + model.safetensors; "
              "*ForMaskedLM or bare *Model names) into a model artifact.";
  t.example = R"(xlmr:
  type: import_hf
  params: {path: models/xlm-roberta-base})";
  t.version = 1;
  t.inputs = {FilesInputPort()};
  t.outputs = {PortSpec{"model", "model", "the encoder, plus the masked-LM head as task 'mlm' when the checkpoint has one"}};
  t.params = {
      ParamSpec{"path", ParamType::kString, nullptr,
                "directory with config.json and model.safetensors (relative to the pipeline file, or to the "
                "`files` input: \".\" when it holds the two files); their content is part of the cache key"},
      ExpectedConfigParam(),
  };
  t.resources.threads = 1;
  // The body reads the checkpoint through the `files` input when there is one.
  t.torch_body = "import_hf";
  t.run = [](NodeContext& ctx) {
    RunWithFilesInput(ctx, ctx.params()["path"].get<std::string>(),
                      [](NodeContext& rebased) { RunTorchNode("import_hf", rebased); });
  };
  t.extra_key = ImportHfKey;
  return t;
}

NodeType MakeExportHfNodeType() {
  NodeType t;
  t.name = "export_hf";
  t.summary = "Writes a model artifact as a Hugging Face checkpoint (config.json + model.safetensors) that "
              "transformers loads: by default *ForMaskedLM when the model has a masked-LM head, the bare *Model "
              "otherwise; with `task`, that task's head as *ForSequenceClassification, *ForTokenClassification, "
              "*ForQuestionAnswering, *ForMultipleChoice or *ForMaskedLM.";
  t.example = R"(xnli_hf:
  type: export_hf
  inputs: {model: xnli_train}
  params: {task: xnli})";
  t.version = 1;
  t.inputs = {PortSpec{"model", "model", "the model to export"}};
  t.outputs = {PortSpec{"hf", "files", "config.json and model.safetensors"}};
  t.params = {
      ParamSpec{"task", ParamType::kString, "",
                "the task whose head to export in its transformers class (classification configs get "
                "id2label/label2id); empty: the masked-LM head if any, other heads dropped"},
  };
  t.resources.threads = 1;
  UseTorchBody(t);
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeImportHfNodeType);
XSTILTS_REGISTER_NODE_TYPE(MakeExportHfNodeType);

}  // namespace xstilts
