// ExpectedContentScope / ExpectedContentCheck: bytes read of a registered file are checked
// against the hash its key holds; nothing else is.
#include <gtest/gtest.h>

#include "base/expected_content.h"
#include "base/sha256.h"

namespace xstilts {
namespace {

const std::filesystem::path kFile = "/data/xnli/dev.tsv";

TEST(ExpectedContent, UnregisteredFilesPass) {
  EXPECT_NO_THROW(CheckExpectedContent(kFile, "anything"));
}

TEST(ExpectedContent, TheContentTheKeyHoldsPasses) {
  ExpectedContentScope scope({{kFile, Sha256Hex("a\tb\n")}});
  EXPECT_NO_THROW(CheckExpectedContent(kFile, "a\tb\n"));
  ExpectedContentCheck streamed("/data/xnli/../xnli/dev.tsv");  // the same file, spelled otherwise
  streamed.Update("a\t");
  streamed.Update("b\n");
  EXPECT_NO_THROW(streamed.Finish());
}

TEST(ExpectedContent, OtherBytesThrowWithBothHashes) {
  const std::string planned = Sha256Hex("a\tb\n");
  const std::string read = Sha256Hex("a\tc\n");
  ExpectedContentScope scope({{kFile, planned}});
  try {
    CheckExpectedContent(kFile, "a\tc\n");
    FAIL() << "no error";
  } catch (const ContentChangedError& e) {
    EXPECT_EQ(std::string(e.what()), "/data/xnli/dev.tsv changed after the run was planned (sha256 " +
                                         planned.substr(0, 12) + "... then, " + read.substr(0, 12) +
                                         "... in the bytes read); nothing was cached: run again to "
                                         "build from the new content");
  }
}

TEST(ExpectedContent, APathStaysRegisteredUntilItsLastScopeEnds) {
  const std::string planned = Sha256Hex("x");
  {
    ExpectedContentScope outer({{kFile, planned}});
    {
      ExpectedContentScope inner({{kFile, planned}});
    }
    EXPECT_THROW(CheckExpectedContent(kFile, "y"), ContentChangedError);
  }
  EXPECT_NO_THROW(CheckExpectedContent(kFile, "y"));
}

}  // namespace
}  // namespace xstilts
