// GPU-hours of a number of FLOPs on a GPU: flops / (peak TFLOPS x 1e12 x MFU) / 3600. The peak is
// a known GPU's dense BF16/FP16 tensor-core figure (KnownGpus) or one given; MFU, the model FLOPs
// utilisation a training run achieves, defaults to kDefaultMfu. No I/O; never throws.
#pragma once

#include <string>
#include <vector>

namespace xstilts {

// 0.4: what well-tuned encoder fine-tuning in BF16 reaches on A100s and H100s; smaller batches
// and short sequences get less. A default for planning, not a measurement.
inline constexpr double kDefaultMfu = 0.4;

struct GpuSpec {
  std::string name;   // lower case: "a100"
  double tflops = 0;  // peak dense BF16 (FP16 where the GPU has no BF16) tensor-core TFLOPS
};

// A100, H100, H200, V100, A6000, A10, L4, T4 (the figures and their datasheets: gpu_hours.cc).
const std::vector<GpuSpec>& KnownGpus();
// By name, case-insensitive ("A100" or "a100"); nullptr when unknown.
const GpuSpec* FindGpu(const std::string& name);
// "a100, a10, ...": the known names, for messages.
std::string KnownGpuNames();

double GpuHours(double flops, double tflops, double mfu);

}  // namespace xstilts
