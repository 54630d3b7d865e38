// The readers of XTREME submission and gold files (`xstilts score`). An input is
// "<kind>\n<file content>", kind one of labels, indices, tags, pairs, qa_gold, qa_predictions.
// Malformed files must end in an InputError naming the file.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "base/input_error.h"
#include "eval/score_files.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xstilts;
  std::string kind;
  const uint8_t* content = nullptr;
  size_t content_size = 0;
  if (!fuzz::SplitSelector(data, size, &kind, &content, &content_size)) return 0;
  fuzz::FuzzInputFile file(content, content_size, "predictions");
  try {
    if (kind == "labels") {
      (void)ReadLabelFile(file.path());
    } else if (kind == "indices") {
      (void)ReadIndexFile(file.path());
    } else if (kind == "tags") {
      (void)ReadTagFile(file.path());
    } else if (kind == "pairs") {
      (void)ReadPairFile(file.path());
    } else if (kind == "qa_gold") {
      (void)ReadQaGoldFile(file.path());
    } else if (kind == "qa_predictions") {
      (void)ReadQaPredictionFile(file.path());
    }
  } catch (const InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s: escaped as %s\n", kind.c_str(), e.what());
    std::abort();
  }
  return 0;
}
