// tokenizer: an existing sentencepiece model file (XLM-R's sentencepiece.bpe.model, ...) as a
// "tokenizer" artifact (nodes/tokenize_tokenizer_artifact.h). The file's content is part of the
// cache key, so replacing the file makes the node and everything downstream stale.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "graph/input_error.h"
#include "graph/registry.h"
#include "nodes/files_input.h"
#include "nodes/tokenize_tokenizer_artifact.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

fs::path ModelPath(const nlohmann::json& params, const fs::path& base_dir) {
  const fs::path path = params["path"].get<std::string>();
  return path.is_absolute() ? path : base_dir / path;
}

IdLayout ParseLayout(const nlohmann::json& params) {
  const std::string name = params["id_layout"].get<std::string>();
  const auto layout = ParseIdLayout(name);
  if (!layout) throw InputError("param 'id_layout': expected spm or fairseq, got '" + name + "'");
  return *layout;
}

void RunTokenizer(NodeContext& ctx) {
  const fs::path path = ModelPath(ctx.params(), ctx.base_dir());
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, "cannot read the sentencepiece model");
  TokenizerArtifact artifact;
  artifact.model_proto.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path.string(), 0, "read error");
  artifact.id_layout = ParseLayout(ctx.params());
  WriteTokenizerArtifact(artifact, ctx.output("tokenizer"), path.string());
  const SentencePieceModel model = LoadTokenizer(ctx.output("tokenizer"));
  ctx.Log(fmt::format("{}: {} pieces, vocabulary {} in the {} layout", ctx.params()["path"].get<std::string>(),
                      model.piece_size(), model.VocabSize(), IdLayoutName(model.layout())));
}

nlohmann::json TokenizerKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  ParseLayout(params);
  return {{"files", {{params["path"].get<std::string>(), hasher.Hash(ModelPath(params, base_dir))}}}};
}

NodeType MakeTokenizerNodeType() {
  NodeType t;
  t.name = "tokenizer";
  t.summary = "An existing sentencepiece model file (e.g. XLM-R's) as a tokenizer artifact.";
  t.example = R"(xlmr_spm:
  type: tokenizer
  params: {path: models/xlmr/sentencepiece.bpe.model, id_layout: fairseq})";
  t.version = 1;
  t.inputs = {FilesInputPort()};
  t.outputs = {PortSpec{"tokenizer", kTokenizerArtifactKind,
                        "the model bytes, id layout, vocabulary size and special ids (docs/artifacts.md, tokenizer)"}};
  t.params = {
      ParamSpec{"path", ParamType::kString, nullptr, "the .model file (relative paths: to the pipeline file, or to the `files` input)"},
      ParamSpec{"id_layout", ParamType::kString, "fairseq",
                "fairseq: XLM-R / Hugging Face ids (<s>=0, <pad>=1, </s>=2, <unk>=3, pieces + 1, <mask> last); "
                "spm: sentencepiece's own ids",
                {"fairseq", "spm"}},
  };
  t.resources.threads = 1;
  t.run = [](NodeContext& ctx) { RunWithFilesInput(ctx, ctx.params()["path"].get<std::string>(), RunTokenizer); };
  t.extra_key = TokenizerKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeTokenizerNodeType);

}  // namespace xstilts
