// Every dataset reader format. An input is "<format>\n<file content>" (seeds: the real files in
// ../shared/data, each under its format). Malformed data must end in an InputError that names the
// file, never in another exception or a crash.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#include "base/input_error.h"
#include "data/readers/read_dataset.h"
#include "tests/fuzz/fuzz_input_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace xstilts;
  std::string format;
  const uint8_t* content = nullptr;
  size_t content_size = 0;
  if (!fuzz::SplitSelector(data, size, &format, &content, &content_size)) return 0;
  if (FindDatasetFormat(format) == nullptr || format == "gettext") return 0;  // gettext reads a tree (fuzz_mo)
  fuzz::FuzzInputFile file(content, content_size, "data." + format + ".en");
  try {
    ReadOptions options;
    options.language = "en";
    (void)ReadDataset(format, file.path(), options);
  } catch (const InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "format %s: escaped as %s\n", format.c_str(), e.what());
    std::abort();
  }
  return 0;
}
