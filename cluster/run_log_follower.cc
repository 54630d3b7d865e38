#include "cluster/run_log_follower.h"

#include <fstream>
#include <system_error>

namespace xstilts {

RunLogFollower::RunLogFollower(std::filesystem::path path) : path_(std::move(path)) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path_, ec);
  offset_ = ec ? 0 : size;
}

void RunLogFollower::Follow(const std::function<void(const nlohmann::json&)>& on_event) {
  std::error_code ec;
  const uintmax_t size = std::filesystem::file_size(path_, ec);
  if (ec || size <= offset_) return;
  std::ifstream in(path_, std::ios::binary);
  in.seekg(static_cast<std::streamoff>(offset_));
  std::string text(size - offset_, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  size_t start = 0;
  for (size_t newline = text.find('\n'); newline != std::string::npos; newline = text.find('\n', start)) {
    nlohmann::json event = nlohmann::json::parse(text.begin() + static_cast<std::ptrdiff_t>(start),
                                                 text.begin() + static_cast<std::ptrdiff_t>(newline), nullptr, false);
    start = newline + 1;
    if (!event.is_discarded() && event.is_object()) on_event(event);
  }
  offset_ += start;
}

}  // namespace xstilts
