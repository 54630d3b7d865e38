// The safetensors header parser (Hugging Face checkpoints): any bytes end in a file or an error
// Status; offsets and shapes that point outside the buffer must be refused.
#include <cstddef>
#include <cstdint>
#include <string>

#include "model/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  (void)xstilts::ParseSafetensors(bytes, "fuzz.safetensors");
  return 0;
}
