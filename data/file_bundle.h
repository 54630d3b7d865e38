// File bundles: a directory of files stored as one HDF5 artifact (kind "files"), so that `exec`
// nodes can hand any files to later nodes. Layout (docs/artifacts.md): group /files mirrors the
// directory tree; each file is a 1-d uint8 dataset with an int attribute "executable".
// Root attributes: kind = "files", file_count.
#pragma once

#include <filesystem>

namespace xstilts {

// Packs every regular file under `dir` into a new HDF5 file at `artifact`. Throws on I/O errors.
void PackFiles(const std::filesystem::path& dir, const std::filesystem::path& artifact);

// Unpacks a bundle into `dir` (created). An artifact of another kind is linked as `<dir>/artifact.h5`
// so that a script can read it with h5py. Throws on I/O errors or a corrupt bundle.
void UnpackFiles(const std::filesystem::path& artifact, const std::filesystem::path& dir);

// Unpacks only `subtree` (a relative file or directory path inside the bundle; "" or "." = all)
// to the same place under `dir` that UnpackFiles would put it. Nothing is written when the bundle
// does not hold it. Throws std::invalid_argument for an absolute path or one with "..".
void UnpackFiles(const std::filesystem::path& artifact, const std::filesystem::path& dir,
                 const std::filesystem::path& subtree);

}  // namespace xstilts
