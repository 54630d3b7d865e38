// SHA-256 of strings, files and streams, in the foreground and on a background thread.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "base/sha256.h"

namespace xstilts {
namespace {

TEST(Sha256, KnownDigests) {
  EXPECT_EQ(Sha256Hex(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(Sha256, BackgroundHashingEqualsTheDirectOneForAnyPieces) {
  std::mt19937 random(3);
  std::string bytes(3 << 20, '\0');
  for (char& c : bytes) c = static_cast<char>(random());
  const std::string expected = Sha256Hex(bytes);
  for (size_t piece : {size_t{1}, size_t{4097}, size_t{1} << 20}) {
    BackgroundSha256 digest(/*max_queued_bytes=*/64 << 10);  // small: Update() must wait at times
    for (size_t at = 0; at < bytes.size(); at += piece) {
      digest.Update(bytes.data() + at, std::min(piece, bytes.size() - at));
    }
    EXPECT_EQ(digest.HexFinal(), expected) << "pieces of " << piece;
  }
  BackgroundSha256 empty;
  EXPECT_EQ(empty.HexFinal(), Sha256Hex(""));
}

}  // namespace
}  // namespace xstilts
