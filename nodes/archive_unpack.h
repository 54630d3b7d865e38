// Unpacking downloaded archives (tar.gz, zip) with libarchive, safely: an archive is untrusted
// input, so no entry may land outside the target directory.
//
// Rules: an entry whose path is absolute, or has a `..` component, stops the unpacking with an
// InputError naming the entry (what was written so far stays in `dir`; the caller discards it).
// Symbolic and hard links, devices and FIFOs are skipped and reported through `skipped` (a bundle
// holds regular files only, and a link could point a later entry outside `dir`). Regular files keep
// their owner-executable bit; other permissions, owners and times are not restored. A later entry
// with the same path replaces an earlier one, as tar does.
//
// Threads: any; no shared state. Throws InputError for a corrupt archive or a refused entry,
// std::runtime_error when `dir` cannot be written.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace xstilts {

enum class ArchiveFormat { kTarGz, kZip };

struct UnpackResult {
  size_t files = 0;
  int64_t bytes = 0;
  std::vector<std::string> skipped;  // "path (symbolic link)" for each entry not unpacked
};

// Unpacks `archive` into `dir` (created if missing).
UnpackResult UnpackArchive(const std::filesystem::path& archive, ArchiveFormat format,
                           const std::filesystem::path& dir);

// Checks one entry path: returns it relative and cleaned ("a/./b" -> "a/b"), or "" for an entry
// that names the directory itself ("./"). Throws InputError for absolute paths and `..`.
std::string SafeEntryPath(const std::string& entry);

}  // namespace xstilts
