// The .mo (gettext catalog) parser: any bytes end in a catalog or an InputError.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string_view>

#include "base/input_error.h"
#include "data/readers/gettext_mo.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  try {
    (void)xstilts::ParseMo(std::string_view(reinterpret_cast<const char*>(data), size), "fuzz.mo");
  } catch (const xstilts::InputError&) {
  } catch (const std::exception& e) {
    std::fprintf(stderr, "escaped as %s\n", e.what());
    std::abort();
  }
  return 0;
}
