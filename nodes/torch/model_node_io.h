// Reading and writing the artifacts of the model node bodies (inside the LibTorch node module).
//
//   model artifact  the HDF5 file of model/checkpoint_h5.h (SaveModelArtifact) with the
//                   root attribute kind = "model" added, so every artifact names its kind.
//   tokenizer       only its root attributes (vocab_size and special ids) are read here.
//
// Torch header. Errors: InputError naming the file for an artifact that is not what the port
// expects; std::runtime_error when writing fails.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <filesystem>
#include <string>

#include "graph/node_type.h"
#include "model/checkpoint_h5.h"
#include "model/encoder_flops.h"  // EncoderFlops, shared with the cost estimates

namespace xstilts {

inline constexpr const char* kModelArtifactKind = "model";

// The model artifact at `path` (config, heads, weights).
ModelArtifact ReadModelInput(const std::filesystem::path& path);
// SaveModelArtifact, then kind = "model" on the root.
void WriteModelOutput(const TaskModelImpl& model, const std::filesystem::path& path);
// Adds kind = "model" to a file SaveModelArtifact / ImportHfModel wrote.
void MarkModelArtifact(const std::filesystem::path& path);

struct TokenizerIds {
  int64_t vocab_size = 0;
  int64_t pad_id = -1, bos_id = -1, eos_id = -1, unk_id = -1, mask_id = -1;
};
TokenizerIds ReadTokenizerIds(const std::filesystem::path& path);

// Distinct parameter values (tied weights once).
int64_t ParameterCount(const torch::nn::Module& module);

// Resolves the `device` param ("auto" | "cpu" | "cuda"); InputError for "cuda" without CUDA.
torch::Device NodeDevice(const std::string& name);

// The model of an inference node (evaluate, retrieve): read from `path`, moved to `device_name`,
// in eval mode. `artifact` receives what was read (config, heads).
TaskModel LoadModelForInference(const std::filesystem::path& path, const std::string& device_name,
                                ModelArtifact* artifact);

}  // namespace xstilts
