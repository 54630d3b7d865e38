// SHA-256 (OpenSSL) of strings and files, as lowercase hex.
#pragma once

#include <filesystem>
#include <string>

namespace xstilts {

std::string Sha256Hex(const std::string& data);
// Streams the file in 1 MiB blocks. Throws std::runtime_error naming the path if unreadable.
std::string Sha256File(const std::filesystem::path& path);

}  // namespace xstilts
