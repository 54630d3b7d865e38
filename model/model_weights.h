// Moving weights between modules and files: safetensors <-> Torch tensors, Hugging Face
// checkpoint import/export (config.json + model.safetensors), and encoder-only loading.
//
// Torch header. Every failure is a Status naming the file and the tensor, e.g.
//   `ckpt/model.safetensors: missing tensor 'encoder.layer.1.output.dense.weight'`
//   `ckpt/model.safetensors: tensor 'roberta.embeddings.word_embeddings.weight': shape [100, 32] does not match the model's [120, 32]`
// Loading copies values into existing parameters (their identity and storage are kept, so an
// optimizer built on them stays valid). Not thread-safe with respect to the module.
#pragma once

#include <torch/torch.h>

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "model/encoder.h"
#include "model/heads.h"
#include "model/safetensors.h"

namespace xstilts {

using NamedTensors = std::vector<std::pair<std::string, torch::Tensor>>;

// Bit-exact conversions (dtype kept: F32<->kFloat, F16<->kHalf, BF16<->kBFloat16, I64<->kLong,...).
// kInvalidInput for a Torch dtype safetensors cannot hold.
Result<SafetensorsTensor> ToSafetensors(const std::string& name, const torch::Tensor& tensor);
torch::Tensor FromSafetensors(const SafetensorsTensor& tensor);

// Named tensors <-> a safetensors file (metadata is the file's __metadata__).
Status SaveTensors(const NamedTensors& tensors, const std::map<std::string, std::string>& metadata,
                   const std::string& path);
Result<NamedTensors> LoadTensors(const std::string& path, std::map<std::string, std::string>* metadata = nullptr);

// Deep copies (detached), e.g. to keep the best weights while training goes on.
NamedTensors CloneTensors(const NamedTensors& tensors);

// Parameters and buffers of `module` by dotted name, each storage once (tied weights once).
NamedTensors ModuleTensors(const torch::nn::Module& module);

// Copies `tensors` into the parameters of `module` with the same name. Every parameter must be
// given unless `allow_missing`; names the module does not have are errors unless `allow_unused`.
// Shapes must match; floating dtypes convert (F16/BF16 -> F32), others must match. `source`
// names the file in messages and `file_prefix` is put before module names in them (the name the
// tensor has in the file). Every problem is reported, one per line. On error the module may be
// partly loaded.
struct LoadReport {
  std::vector<std::string> loaded, missing, unused;
};
struct LoadOptions {
  bool allow_missing = false;
  bool allow_unused = false;
  std::string file_prefix;
};
Result<LoadReport> LoadIntoModule(torch::nn::Module& module, const NamedTensors& tensors,
                                  const std::string& source, const LoadOptions& options = {});

// Loads only the encoder from any checkpoint holding one: names under `roberta.` (TaskModel,
// Hugging Face *For* models) or bare encoder names; heads and everything else are dropped and
// listed in LoadReport::unused. A pooler absent from the checkpoint keeps its fresh weights.
// Errors (kCorrupt, one line per tensor): a missing encoder tensor, a wrong shape or dtype, and an
// embedding or layer tensor the configured encoder has no place for (a config with too few layers).
Result<LoadReport> LoadEncoderWeights(Encoder& encoder, const NamedTensors& tensors, const std::string& source);

struct HfCheckpoint {
  EncoderConfig config;
  Encoder encoder{nullptr};        // with a pooler iff the checkpoint has one
  MaskedLmHead mlm_head{nullptr};  // when the checkpoint has lm_head.* tensors
};
// Reads `dir`/config.json and `dir`/model.safetensors. Accepts `roberta.`-prefixed and bare
// names, ignores embeddings.position_ids and the tied lm_head.decoder.{weight,bias}.
Result<HfCheckpoint> ImportHfCheckpoint(const std::string& dir);
// Writes `dir`/config.json and `dir`/model.safetensors (F32, metadata format=pt) as
// transformers' save_pretrained does: *ForMaskedLM names (`roberta.`, `lm_head.`; the encoder's
// pooler, which that class does not have, left out) when `mlm_head` is given, bare *Model names
// (pooler included) otherwise. Creates `dir`.
Status ExportHfCheckpoint(const std::string& dir, const Encoder& encoder, const MaskedLmHead& mlm_head = nullptr);
// The writer behind the exports: `dir` (created) gets config.json and model.safetensors (every
// tensor as F32, metadata format=pt).
Status WriteHfDirectory(const std::string& dir, const EncoderConfig& config, const NamedTensors& tensors);
// "XLMRoberta" + suffix, or "Roberta" + suffix for model_type roberta: a transformers class name.
std::string HfArchitecture(const EncoderConfig& config, const std::string& suffix);

}  // namespace xstilts
