// The remote cache's manifest parser: any bytes from a server end in a checked manifest or a
// kCorrupt status, never in an exception or a crash; an accepted manifest's file names stay
// plain (they become paths in the local cache).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "data/remote_store.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    xstilts::Result<nlohmann::json> manifest = xstilts::ParseManifest(text, "0123456789abcdef");
    if (manifest.ok()) {
      for (const auto& [name, info] : manifest.value()["files"].items()) {
        if (name.find('/') != std::string::npos || name == "." || name == ".." || name.empty()) std::abort();
      }
    } else if (manifest.status().kind() != xstilts::ErrorKind::kCorrupt) {
      std::abort();
    }
  } catch (const std::exception& e) {
    std::fprintf(stderr, "escaped as %s\n", e.what());
    std::abort();
  }
  return 0;
}
