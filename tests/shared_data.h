// Access to the real benchmark files in ../shared/data (see that folder's SOURCES.md).
// They are never copied into the repository; a test that needs them and cannot find them skips.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

namespace xstilts::testing {

// The shared data directory: $XSTILTS_SHARED_DATA if set, else <source>/../shared/data.
inline std::filesystem::path SharedDataDir() {
  if (const char* env = std::getenv("XSTILTS_SHARED_DATA")) return env;
  return std::filesystem::path(XSTILTS_SOURCE_DIR).parent_path() / "shared" / "data";
}

}  // namespace xstilts::testing

// Declares `var_` = SharedDataDir()/relative, or skips the test with a message when it is missing.
#define XSTILTS_SHARED_DATA_OR_SKIP(var_, relative)                                      \
  const std::filesystem::path var_ = ::xstilts::testing::SharedDataDir() / (relative);   \
  if (!std::filesystem::exists(var_))                                                    \
  GTEST_SKIP() << "shared benchmark data not found: " << var_                            \
               << " (set XSTILTS_SHARED_DATA to the shared/data folder)"
