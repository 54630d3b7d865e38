#include "data/file_bundle.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <memory>
#include <stdexcept>
#include <vector>

#include "base/child_path.h"
#include "data/h5_file.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

constexpr size_t kCopyBlock = 8 << 20;

void UnpackFile(const H5File& file, const std::string& path, const fs::path& target) {
  fs::create_directories(target.parent_path());
  std::ofstream out(target, std::ios::binary);
  uint64_t size = file.Shape(path).at(0);
  for (uint64_t done = 0; done < size; done += kCopyBlock) {
    uint64_t rows = std::min<uint64_t>(kCopyBlock, size - done);
    H5Array block = file.ReadRows(path, done, rows);
    out.write(reinterpret_cast<const char*>(block.bytes.data()), static_cast<std::streamsize>(block.bytes.size()));
  }
  if (!out) throw std::runtime_error("cannot write " + target.string());
  out.close();
  if (file.GetIntAttribute(path, "executable")) {
    fs::permissions(target, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                    fs::perm_options::add);
  }
}

void UnpackGroup(const H5File& file, const std::string& group, const fs::path& dir) {
  fs::create_directories(dir);
  for (const std::string& name : file.List(group)) {
    std::string path = group + "/" + name;
    // The names come from the artifact, which may come from a shared cache: none may leave `dir`.
    const fs::path target = ChildPath(dir, name);
    if (file.HasAttribute(path, "executable")) {
      UnpackFile(file, path, target);
    } else {
      UnpackGroup(file, path, target);
    }
  }
}

}  // namespace

void PackFiles(const fs::path& dir, const fs::path& artifact) {
  H5File file(artifact, H5File::Mode::kCreate);
  file.CreateGroup("files");
  int64_t count = 0;
  std::vector<fs::path> paths;
  for (const fs::directory_entry& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) paths.push_back(e.path());
  }
  std::sort(paths.begin(), paths.end());
  // Files are copied in blocks, so a bundle of large files needs little memory; a bundle of small
  // ones gets a block of its largest file's size, not written before it is read into (a zeroed
  // 8 MiB block cost most of the time of packing a few bytes).
  uint64_t largest = 1;
  for (const fs::path& path : paths) largest = std::max<uint64_t>(largest, fs::file_size(path));
  const size_t block_size = static_cast<size_t>(std::min<uint64_t>(kCopyBlock, largest));
  const std::unique_ptr<char[]> block(new char[block_size]);  // left uninitialised
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + path.string());
    uint64_t size = fs::file_size(path);
    std::string name = "files/" + path.lexically_relative(dir).generic_string();
    file.Create(name, H5Type::kUInt8, {size});
    for (uint64_t done = 0; done < size;) {
      in.read(block.get(), static_cast<std::streamsize>(std::min<uint64_t>(block_size, size - done)));
      if (in.gcount() <= 0) throw std::runtime_error("cannot read " + path.string() + " (changed while packing?)");
      file.WriteRows(name, done, static_cast<uint64_t>(in.gcount()), block.get());
      done += static_cast<uint64_t>(in.gcount());
    }
    bool executable = (fs::status(path).permissions() & fs::perms::owner_exec) != fs::perms::none;
    file.SetAttribute(name, "executable", int64_t{executable});
    ++count;
  }
  file.SetAttribute("/", "kind", std::string("files"));
  file.SetAttribute("/", "file_count", count);
  file.Close();
}

void UnpackFiles(const fs::path& artifact, const fs::path& dir) {
  H5File file(artifact, H5File::Mode::kReadOnly);
  fs::create_directories(dir);
  bool is_bundle = file.HasAttribute("/", "kind") && file.GetStringAttribute("/", "kind") == "files";
  if (!is_bundle) {
    fs::create_symlink(fs::absolute(artifact), dir / "artifact.h5");
    return;
  }
  UnpackGroup(file, "files", dir);
}

void UnpackFiles(const fs::path& artifact, const fs::path& dir, const fs::path& subtree) {
  const fs::path relative = subtree.lexically_normal();
  if (relative.empty() || relative == ".") return UnpackFiles(artifact, dir);
  for (const fs::path& part : relative) {
    if (relative.is_absolute() || part == "..") {
      throw std::invalid_argument("'" + subtree.string() + "' is not a relative path inside the bundle");
    }
  }
  H5File file(artifact, H5File::Mode::kReadOnly);
  fs::create_directories(dir);
  const std::string name = "files/" + relative.generic_string();
  if (!file.Exists(name)) return;
  if (file.HasAttribute(name, "executable")) {
    UnpackFile(file, name, dir / relative);
  } else {
    UnpackGroup(file, name, dir / relative);
  }
}

}  // namespace xstilts
