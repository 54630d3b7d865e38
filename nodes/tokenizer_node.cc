// tokenizer: an existing sentencepiece model file (XLM-R's sentencepiece.bpe.model, ...) or a
// byte-level BPE directory (RoBERTa's vocab.json + merges.txt) as a "tokenizer" artifact
// (tokenizer/tokenizer_artifact.h). The files' content is part of the cache key, so
// replacing one makes the node and everything downstream stale.
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>

#include <fmt/format.h>

#include "base/expected_content.h"
#include "base/input_error.h"
#include "graph/registry.h"
#include "nodes/files_input.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/tokenizer_artifact.h"

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

bool IsBpe(const nlohmann::json& params) {
  const std::string name = params["format"].get<std::string>();
  const auto format = ParseTokenizerFormat(name);
  if (!format) throw InputError("param 'format': expected sentencepiece or bpe, got '" + name + "'");
  return *format == TokenizerFormat::kBpe;
}

std::string ReadWhole(const fs::path& path, const char* what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, std::string("cannot read the ") + what);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path.string(), 0, "read error");
  CheckExpectedContent(path, bytes);
  return bytes;
}

void RunBpeTokenizer(NodeContext& ctx, const fs::path& dir) {
  TokenizerArtifact artifact;
  artifact.format = TokenizerFormat::kBpe;
  artifact.vocab_json = ReadWhole(dir / "vocab.json", "BPE vocabulary");
  artifact.merges = ReadWhole(dir / "merges.txt", "BPE merges");
  WriteTokenizerArtifact(artifact, ctx.output("tokenizer"), dir.string());
  const auto model = LoadTokenizer(ctx.output("tokenizer"));
  ctx.Log(fmt::format("{}: byte-level BPE, vocabulary {}, {} merges", ctx.params()["path"].get<std::string>(),
                      model->VocabSize(), static_cast<const BpeModel&>(*model).merge_count()));
}

void RunTokenizer(NodeContext& ctx) {
  const fs::path path = ModelPath(ctx.params(), ctx.base_dir());
  if (IsBpe(ctx.params())) return RunBpeTokenizer(ctx, path);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path.string(), 0, "cannot read the sentencepiece model");
  TokenizerArtifact artifact;
  artifact.model_proto.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  if (in.bad()) throw InputError(path.string(), 0, "read error");
  CheckExpectedContent(path, artifact.model_proto);
  artifact.id_layout = ParseLayout(ctx.params());
  WriteTokenizerArtifact(artifact, ctx.output("tokenizer"), path.string());
  const auto model = LoadTokenizer(ctx.output("tokenizer"));
  const auto& spm = static_cast<const SentencePieceModel&>(*model);
  ctx.Log(fmt::format("{}: {} pieces, vocabulary {} in the {} layout", ctx.params()["path"].get<std::string>(),
                      spm.piece_size(), spm.VocabSize(), IdLayoutName(spm.layout())));
}

nlohmann::json TokenizerKey(const nlohmann::json& params, const fs::path& base_dir, FileHasher& hasher) {
  ParseLayout(params);
  const std::string path = params["path"].get<std::string>();
  if (IsBpe(params)) {
    const fs::path dir = ModelPath(params, base_dir);
    return {{"files", {{path + "/vocab.json", hasher.Hash(dir / "vocab.json")},
                       {path + "/merges.txt", hasher.Hash(dir / "merges.txt")}}}};
  }
  return {{"files", {{path, hasher.Hash(ModelPath(params, base_dir))}}}};
}

NodeType MakeTokenizerNodeType() {
  NodeType t;
  t.name = "tokenizer";
  t.summary = "An existing sentencepiece model (e.g. XLM-R's) or byte-level BPE (e.g. RoBERTa's) as a tokenizer artifact.";
  t.example = R"(xlmr_spm:
  type: tokenizer
  params: {path: models/xlmr/sentencepiece.bpe.model, id_layout: fairseq}
roberta_bpe:
  type: tokenizer
  params: {path: models/roberta-large, format: bpe})";
  t.version = 2;
  t.inputs = {FilesInputPort()};
  t.outputs = {PortSpec{"tokenizer", kTokenizerArtifactKind,
                        "the model files, id layout, vocabulary size and special ids (docs/artifacts.md, tokenizer)"}};
  t.params = {
      ParamSpec{"path", ParamType::kString, nullptr,
                "sentencepiece: the .model file; bpe: the directory holding vocab.json and merges.txt "
                "(relative paths: to the pipeline file, or to the `files` input)"},
      ParamSpec{"format", ParamType::kString, "sentencepiece",
                "sentencepiece: a sentencepiece model; bpe: GPT-2 / RoBERTa byte-level BPE (ids from vocab.json, "
                "specials <s>, <pad>, </s>, <unk>, <mask> looked up there)",
                {"sentencepiece", "bpe"}},
      ParamSpec{"id_layout", ParamType::kString, "fairseq",
                "fairseq: XLM-R / Hugging Face ids (<s>=0, <pad>=1, </s>=2, <unk>=3, pieces + 1, <mask> last); "
                "spm: sentencepiece's own ids (sentencepiece only)",
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
