// Helpers of the fuzz targets: the input's bytes as a private temp file (removed again when the
// FuzzInputFile goes out of scope), and a first line that selects the reader.
#pragma once

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace xstilts::fuzz {

class FuzzInputFile {
 public:
  FuzzInputFile(const uint8_t* data, size_t size, const std::string& name) {
    static const std::filesystem::path dir = [] {
      std::filesystem::path d = std::filesystem::temp_directory_path() / ("xstilts_fuzz_" + std::to_string(::getpid()));
      std::filesystem::create_directories(d);
      return d;
    }();
    path_ = dir / name;
    std::ofstream(path_, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
  }
  ~FuzzInputFile() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

// Splits an input of the form "<selector>\n<content>": the selector names what reads the content
// (a dataset format, a file kind), so that seeds from real files keep their reader. Returns false
// when there is no newline.
inline bool SplitSelector(const uint8_t* data, size_t size, std::string* selector, const uint8_t** content,
                          size_t* content_size) {
  const void* newline = std::memchr(data, '\n', size);
  if (newline == nullptr) return false;
  const size_t n = static_cast<const uint8_t*>(newline) - data;
  selector->assign(reinterpret_cast<const char*>(data), n);
  *content = data + n + 1;
  *content_size = size - n - 1;
  return true;
}

}  // namespace xstilts::fuzz
