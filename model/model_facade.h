// Torch-free entry points to the model library for code that must not include Torch (CLI
// commands, node descriptors, reports). Everything here works on files.
//
// Model artifacts are the HDF5 files of checkpoint_h5.h (encoder config + task heads + weights).
// Errors are Status values naming the file (and the tensor, for weight problems).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"
#include "model/encoder_config.h"

namespace xstilts {

struct ModelSummary {
  EncoderConfig config;
  std::vector<std::string> task_names;  // heads, e.g. {"mlm"} for an imported masked-LM model
  std::vector<std::string> task_kinds;  // "masked_lm", "sequence_classification", ...
  int64_t parameters = 0;               // distinct parameter values, tied weights once
};

// Hugging Face directory (config.json + model.safetensors, RobertaForMaskedLM or bare
// RobertaModel names) -> model artifact with the encoder and, when present, the MLM head as
// task "mlm".
Status ImportHfModel(const std::string& hf_dir, const std::string& artifact_path);
// Model artifact -> Hugging Face directory transformers can load. Without `task`: *ForMaskedLM
// when the artifact has a masked_lm head, the bare encoder (*Model) otherwise, other heads
// dropped. With `task`: that task's head as its *For<Task> class (hf_task_export.h).
Status ExportHfModel(const std::string& artifact_path, const std::string& hf_dir, const std::string& task = "");
Result<ModelSummary> DescribeModelArtifact(const std::string& artifact_path);
// Whether this LibTorch was built with CUDA and sees a GPU.
bool CudaAvailable();

}  // namespace xstilts
