// Like XSTILTS_SHARED_DATA_OR_SKIP, but usable with any variable name and more than once in a
// test (tests/shared_data.h's macro names its parameter `path`, which also replaces the type name
// std::filesystem::path inside it, so there the variable must be called `path`).
#pragma once

#include "tests/shared_data.h"

#define XSTILTS_TOKENIZER_DATA_OR_SKIP(var, relative)                                   \
  const ::std::filesystem::path var = ::xstilts::testing::SharedDataDir() / (relative); \
  if (!::std::filesystem::exists(var))                                                  \
  GTEST_SKIP() << "shared benchmark data not found: " << var                            \
               << " (set XSTILTS_SHARED_DATA to the shared/data folder)"
