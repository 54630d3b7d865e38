// The content a run expects of the external files its cache keys hold, checked on the bytes read.
//
// A node's cache key holds the SHA-256 of each external file the node reads (a dataset file, a
// tokenizer model, a .mo catalog), hashed when the run was planned. Were the file to change before
// the node reads it, the artifact would be stored under the key of content it was not made from,
// and served as cached once the file is back. So while a node runs, the engine registers the
// files its key hashed (ExpectedContentScope), and a reader of such a file hashes the bytes it
// actually read (ExpectedContentCheck) and throws ContentChangedError when they differ from the
// key's. Files no scope registered (outside a run, or in no key) are neither hashed nor checked.
//
// Paths are compared after std::filesystem::absolute + lexically_normal. Thread-safe.
#pragma once

#include <filesystem>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/sha256.h"

namespace xstilts {

// The bytes read of a file differ from the content its cache key holds.
class ContentChangedError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Registers (path, sha256 hex) pairs for its lifetime. Scopes may overlap (nodes running at once
// that read one file); a path stays registered until the last scope naming it ends.
class ExpectedContentScope {
 public:
  explicit ExpectedContentScope(std::vector<std::pair<std::filesystem::path, std::string>> files);
  ~ExpectedContentScope();
  ExpectedContentScope(const ExpectedContentScope&) = delete;
  ExpectedContentScope& operator=(const ExpectedContentScope&) = delete;

 private:
  std::vector<std::pair<std::filesystem::path, std::string>> files_;
};

// Hashes the bytes a reader reads from `path`, when a scope registered it. Feed it every byte of
// the file, in order, then call Finish().
class ExpectedContentCheck {
 public:
  explicit ExpectedContentCheck(const std::filesystem::path& path);
  void Update(std::string_view bytes);
  // Throws ContentChangedError naming the file and both hashes when the bytes differ.
  void Finish();

 private:
  std::filesystem::path path_;
  std::string expected_;  // empty: not registered, nothing to check
  std::unique_ptr<Sha256Digest> digest_;
};

// ExpectedContentCheck over a whole file read at once.
void CheckExpectedContent(const std::filesystem::path& path, std::string_view bytes);

}  // namespace xstilts
