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

}  // namespace xstilts
