// The safetensors file format, read and written without Torch.
//
// Layout: 8-byte little-endian header length N, N bytes of JSON header
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//  "__metadata__": {"key": "value"}}, then the raw little-endian tensor bytes; offsets are relative
// to the first byte after the header. This is what Hugging Face's model.safetensors holds.
//
// Reading validates everything before returning: header length within the file, JSON well
// formed, every dtype known, every shape non-negative, every byte range the size its dtype and
// shape need, inside the data section and not overlapping another tensor. Failures are
// kCorrupt (kNotFound / kIo for the file itself) with a message naming the file and the tensor:
//   `model.safetensors: tensor 'lm_head.bias': data_offsets [0, 4000] end past the data section (3000 bytes; file truncated?)`
// Plain data, no shared state: any thread may use any function.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"

namespace xstilts {

enum class SafetensorsDType { kF64, kF32, kF16, kBF16, kI64, kI32, kI16, kI8, kU8, kBool };

const char* SafetensorsDTypeName(SafetensorsDType dtype);  // "F32", "BF16", ...
int64_t SafetensorsDTypeSize(SafetensorsDType dtype);      // bytes per element
std::optional<SafetensorsDType> ParseSafetensorsDType(const std::string& name);

struct SafetensorsTensor {
  std::string name;
  SafetensorsDType dtype = SafetensorsDType::kF32;
  std::vector<int64_t> shape;
  std::string data;  // raw little-endian bytes, exactly NumElements() * dtype size

  int64_t NumElements() const;
};

struct SafetensorsFile {
  std::vector<SafetensorsTensor> tensors;  // in the order of their bytes in the file
  std::map<std::string, std::string> metadata;

  const SafetensorsTensor* Find(const std::string& name) const;  // nullptr when absent
};

// Parses a whole file held in memory; `source` names it in messages.
Result<SafetensorsFile> ParseSafetensors(const std::string& bytes, const std::string& source);
// Reads and parses `path` (streams tensor bytes straight from the file).
Result<SafetensorsFile> ReadSafetensors(const std::string& path);
// The file's bytes: tensors in the given order, header padded with spaces to 8-byte alignment.
// kInvalidInput when a tensor's data size does not match its shape or a name repeats.
Result<std::string> SerializeSafetensors(const SafetensorsFile& file);
// Serializes and writes `path` through a temporary file renamed into place.
Status WriteSafetensors(const SafetensorsFile& file, const std::string& path);

}  // namespace xstilts
