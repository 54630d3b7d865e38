// The readers of the HDF5 artifacts. An input is "<kind>\n<file bytes>", kind one of examples,
// tokens, metrics, files (seeds: artifacts the tests and the demo write). A damaged artifact must
// end in an exception that names it (the cache then treats the entry as corrupt), never in a crash.
#include <cstddef>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <string>

#include "data/examples_artifact.h"
#include "data/file_bundle.h"
#include "data/metrics_table.h"
#include "data/token_dataset.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xstilts;
  std::string kind;
  const uint8_t* content = nullptr;
  size_t content_size = 0;
  if (!fuzz::SplitSelector(data, size, &kind, &content, &content_size)) return 0;
  fuzz::FuzzInputFile file(content, content_size, "artifact.h5");
  try {
    if (kind == "examples") {
      (void)ReadExamples(file.path());
    } else if (kind == "tokens") {
      (void)ReadTokenDataset(file.path());
    } else if (kind == "metrics") {
      (void)ReadMetricsArtifact(file.path());
    } else if (kind == "files") {
      const std::filesystem::path out = file.path().string() + ".unpacked";
      UnpackFiles(file.path(), out);
      std::error_code ec;
      std::filesystem::remove_all(out, ec);
    }
  } catch (const std::exception&) {
    // Every reader reports damage as an exception; what matters here is that nothing crashes.
  }
  return 0;
}
