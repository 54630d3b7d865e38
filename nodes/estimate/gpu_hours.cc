#include "nodes/estimate/gpu_hours.h"

#include <algorithm>
#include <cctype>

namespace xstilts {

const std::vector<GpuSpec>& KnownGpus() {
  // Peak dense tensor-core throughput from NVIDIA's datasheets (without 2:4 sparsity, which
  // doubles the headline figure of Ampere and later):
  //   A100 SXM/PCIe: BF16 312 TFLOPS (NVIDIA A100 Tensor Core GPU datasheet)
  //   H100 SXM: BF16 989 TFLOPS (NVIDIA H100 Tensor Core GPU datasheet: 1,979 with sparsity)
  //   H200 SXM: BF16 989 TFLOPS (NVIDIA H200 datasheet: 1,979 with sparsity)
  //   V100 SXM2: FP16 125 TFLOPS (NVIDIA Tesla V100 datasheet, "Tensor Performance"; no BF16)
  //   RTX A6000: BF16 154.8 TFLOPS (NVIDIA RTX A6000 datasheet: 309.7 with sparsity)
  //   A10: BF16 125 TFLOPS (NVIDIA A10 datasheet: 250 with sparsity)
  //   L4: BF16 121 TFLOPS (NVIDIA L4 datasheet: 242 with sparsity)
  //   T4: FP16 65 TFLOPS (NVIDIA T4 datasheet, "Mixed Precision (FP16/FP32)"; no BF16)
  static const std::vector<GpuSpec> gpus = {
      {"a100", 312}, {"h100", 989}, {"h200", 989}, {"v100", 125},
      {"a6000", 154.8}, {"a10", 125}, {"l4", 121}, {"t4", 65},
  };
  return gpus;
}

const GpuSpec* FindGpu(const std::string& name) {
  std::string lower = name;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (const GpuSpec& gpu : KnownGpus()) {
    if (gpu.name == lower) return &gpu;
  }
  return nullptr;
}

std::string KnownGpuNames() {
  std::string names;
  for (const GpuSpec& gpu : KnownGpus()) names += (names.empty() ? "" : ", ") + gpu.name;
  return names;
}

double GpuHours(double flops, double tflops, double mfu) {
  if (!(tflops > 0) || !(mfu > 0)) return 0;
  return flops / (tflops * 1e12 * mfu) / 3600.0;
}

}  // namespace xstilts
