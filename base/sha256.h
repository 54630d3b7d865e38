// SHA-256 (OpenSSL) of strings and files, as lowercase hex.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>

struct evp_md_ctx_st;

namespace xstilts {

// Incremental SHA-256: Update() with the bytes in order, then HexFinal() once.
class Sha256Digest {
 public:
  Sha256Digest();
  void Update(const void* data, size_t size);
  std::string HexFinal();

 private:
  std::unique_ptr<evp_md_ctx_st, void (*)(evp_md_ctx_st*)> ctx_;
};

// Incremental SHA-256 on a thread of its own: Update() copies the bytes into a bounded queue
// (blocking while `max_queued_bytes` wait) and returns, so hashing overlaps with whatever
// produces the bytes (a download). HexFinal() waits for the hash of everything given.
class BackgroundSha256 {
 public:
  explicit BackgroundSha256(size_t max_queued_bytes = 64 << 20);
  ~BackgroundSha256();
  BackgroundSha256(const BackgroundSha256&) = delete;
  BackgroundSha256& operator=(const BackgroundSha256&) = delete;
  void Update(const void* data, size_t size);
  std::string HexFinal();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

std::string Sha256Hex(const std::string& data);
// Streams the file in 1 MiB blocks. Throws std::runtime_error naming the path if unreadable.
std::string Sha256File(const std::filesystem::path& path);

}  // namespace xstilts
