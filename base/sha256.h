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

std::string Sha256Hex(const std::string& data);
// Streams the file in 1 MiB blocks. Throws std::runtime_error naming the path if unreadable.
std::string Sha256File(const std::filesystem::path& path);

}  // namespace xstilts
