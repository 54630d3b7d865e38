// What this build of the tests has, for the few tests that depend on it: the LibTorch node module
// (absent with -DXSTILTS_WITH_TORCH=OFF, e.g. the sanitizer builds), and sanitizers (which make
// memory measurements meaningless: shadow memory and quarantine count in the RSS).
#pragma once

#include <gtest/gtest.h>

#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
#define XSTILTS_SANITIZED 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(thread_sanitizer)
#define XSTILTS_SANITIZED 1
#endif
#endif

// Skips the test, with a message, in a build without the LibTorch node module.
#ifdef XSTILTS_HAS_TORCH_MODULE
#define XSTILTS_SKIP_WITHOUT_TORCH_MODULE() (void)0
#else
#define XSTILTS_SKIP_WITHOUT_TORCH_MODULE() \
  GTEST_SKIP() << "this build has no LibTorch node module (-DXSTILTS_WITH_TORCH=OFF)"
#endif

// Skips the test, with a message, in a sanitizer build.
#ifdef XSTILTS_SANITIZED
#define XSTILTS_SKIP_UNDER_SANITIZERS(why) GTEST_SKIP() << "sanitizer build: " << (why)
#else
#define XSTILTS_SKIP_UNDER_SANITIZERS(why) (void)0
#endif
