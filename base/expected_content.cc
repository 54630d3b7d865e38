#include "base/expected_content.h"

#include <map>
#include <mutex>

namespace xstilts {
namespace {

struct Registered {
  std::string sha256;
  int scopes = 0;
};

std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::filesystem::path, Registered>& Registry() {
  static std::map<std::filesystem::path, Registered> registry;
  return registry;
}

std::filesystem::path Normal(const std::filesystem::path& path) {
  std::error_code ec;
  std::filesystem::path absolute = std::filesystem::absolute(path, ec);
  return (ec ? path : absolute).lexically_normal();
}

}  // namespace

ExpectedContentScope::ExpectedContentScope(std::vector<std::pair<std::filesystem::path, std::string>> files)
    : files_(std::move(files)) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (auto& [path, sha256] : files_) {
    path = Normal(path);
    Registered& r = Registry()[path];
    if (r.scopes++ == 0) r.sha256 = sha256;
  }
}

ExpectedContentScope::~ExpectedContentScope() {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  for (const auto& [path, sha256] : files_) {
    auto it = Registry().find(path);
    if (it != Registry().end() && --it->second.scopes == 0) Registry().erase(it);
  }
}

ExpectedContentCheck::ExpectedContentCheck(const std::filesystem::path& path) : path_(path) {
  std::lock_guard<std::mutex> lock(RegistryMutex());
  if (Registry().empty()) return;
  auto it = Registry().find(Normal(path));
  if (it == Registry().end()) return;
  expected_ = it->second.sha256;
  digest_ = std::make_unique<Sha256Digest>();
}

void ExpectedContentCheck::Update(std::string_view bytes) {
  if (digest_) digest_->Update(bytes.data(), bytes.size());
}

void ExpectedContentCheck::Finish() {
  if (!digest_) return;
  const std::string read = digest_->HexFinal();
  digest_.reset();
  if (read == expected_) return;
  throw ContentChangedError(path_.string() + " changed after the run was planned (sha256 " + expected_.substr(0, 12) +
                            "... then, " + read.substr(0, 12) +
                            "... in the bytes read); nothing was cached: run again to build from the new content");
}

void CheckExpectedContent(const std::filesystem::path& path, std::string_view bytes) {
  ExpectedContentCheck check(path);
  check.Update(bytes);
  check.Finish();
}

}  // namespace xstilts
