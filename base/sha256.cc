#include "base/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>
#include <vector>

namespace xstilts {

Sha256Digest::Sha256Digest() : ctx_(EVP_MD_CTX_new(), EVP_MD_CTX_free) {
  EVP_DigestInit_ex(ctx_.get(), EVP_sha256(), nullptr);
}

void Sha256Digest::Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_.get(), data, size); }

std::string Sha256Digest::HexFinal() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx_.get(), out, &len);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned int i = 0; i < len; ++i) {
    hex += kHex[out[i] >> 4];
    hex += kHex[out[i] & 15];
  }
  return hex;
}

struct BackgroundSha256::State {
  size_t max_queued;
  std::mutex mutex;
  std::condition_variable changed;
  std::deque<std::string> queue;
  size_t queued = 0;
  bool done = false;
  Sha256Digest digest;
  std::thread worker;
};

BackgroundSha256::BackgroundSha256(size_t max_queued_bytes) : state_(std::make_unique<State>()) {
  State& s = *state_;
  s.max_queued = std::max<size_t>(max_queued_bytes, 1);
  s.worker = std::thread([&s] {
    std::unique_lock<std::mutex> lock(s.mutex);
    for (;;) {
      s.changed.wait(lock, [&s] { return !s.queue.empty() || s.done; });
      if (s.queue.empty()) return;
      std::string chunk = std::move(s.queue.front());
      s.queue.pop_front();
      lock.unlock();
      s.digest.Update(chunk.data(), chunk.size());
      lock.lock();
      s.queued -= chunk.size();
      s.changed.notify_all();
    }
  });
}

BackgroundSha256::~BackgroundSha256() {
  if (state_->worker.joinable()) (void)HexFinal();
}

void BackgroundSha256::Update(const void* data, size_t size) {
  State& s = *state_;
  std::unique_lock<std::mutex> lock(s.mutex);
  s.changed.wait(lock, [&s] { return s.queued < s.max_queued; });
  s.queue.emplace_back(static_cast<const char*>(data), size);
  s.queued += size;
  s.changed.notify_all();
}

std::string BackgroundSha256::HexFinal() {
  State& s = *state_;
  {
    std::lock_guard<std::mutex> lock(s.mutex);
    s.done = true;
  }
  s.changed.notify_all();
  if (s.worker.joinable()) s.worker.join();
  return s.digest.HexFinal();
}

std::string Sha256Hex(const std::string& data) {
  Sha256Digest digest;
  digest.Update(data.data(), data.size());
  return digest.HexFinal();
}

std::string Sha256File(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(path.string() + ": cannot read (" + std::strerror(errno) + ")");
  Sha256Digest digest;
  std::vector<char> buffer(1 << 20);
  while (in) {
    in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    digest.Update(buffer.data(), static_cast<size_t>(in.gcount()));
  }
  if (in.bad()) throw std::runtime_error(path.string() + ": read error");
  return digest.HexFinal();
}

}  // namespace xstilts
