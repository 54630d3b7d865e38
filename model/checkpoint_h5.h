// Model and training checkpoints as HDF5 artifacts (data/h5_file.h), readable by h5py without
// xstilts and loaded without executing anything.
//
// Layout of a checkpoint file (docs: one dataset per tensor, names as Torch gives them):
//   /                       attributes: format = "xstilts.checkpoint", format_version = 1,
//                           xstilts = the checkpoint's JSON attributes (config, tasks, trainer
//                           state, ...), tensors = JSON list of the tensor names in order
//   /model/<name>           one dataset per parameter or buffer, e.g.
//                           /model/roberta.encoder.layer.0.attention.self.query.weight
//   /optimizer/<name>       optional: AdamW moments (decay.exp_avg, ...) and step
//   /best/<name>            optional: best weights so far (early stopping)
// float32 / float64 / int64 / int32 / uint8 keep their type; float16 and bfloat16 are stored as
// uint16 with a `torch_dtype` attribute; 0-d tensors as shape [1] with `rank0` = 1.
//
// Torch header. Errors are Status: kNotFound when the file is missing, kCorrupt naming the file
// and the dataset when it does not hold what the layout says, kIo when writing fails. HDF5
// access is serialized by the wrapper, so any thread may call these.
#pragma once

#include <torch/torch.h>

#include <string>
#include <vector>

#include "model/heads.h"
#include "model/trainer.h"

namespace xstilts {

Status SaveCheckpointH5(const TrainingCheckpoint& checkpoint, const std::string& path);
Result<TrainingCheckpoint> LoadCheckpointH5(const std::string& path);

// A trained model as an artifact: the encoder config and the task heads in the attributes
// ("config", "tasks"), the weights under /model. Written atomically (temp file, rename).
struct ModelArtifact {
  EncoderConfig config;
  std::vector<TaskSpec> tasks;
  NamedTensors tensors;  // TaskModel names: roberta.*, heads.<task>.*
};
Status SaveModelArtifact(const std::string& path, const TaskModelImpl& model);
Result<ModelArtifact> LoadModelArtifact(const std::string& path);
// The whole TaskModel back (config, heads and weights must all match).
Result<TaskModel> TaskModelFromArtifact(const ModelArtifact& artifact, const std::string& source);

}  // namespace xstilts
