#include "nodes/file_bundle.h"

#include <algorithm>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "data/h5_file.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

void UnpackGroup(const H5File& file, const std::string& group, const fs::path& dir) {
  fs::create_directories(dir);
  for (const std::string& name : file.List(group)) {
    std::string path = group + "/" + name;
    if (file.HasAttribute(path, "executable")) {
      std::vector<uint8_t> bytes = file.ReadVector<uint8_t>(path);
      fs::path target = dir / name;
      std::ofstream out(target, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
      if (!out) throw std::runtime_error("cannot write " + target.string());
      out.close();
      if (file.GetIntAttribute(path, "executable")) {
        fs::permissions(target, fs::perms::owner_exec | fs::perms::group_exec | fs::perms::others_exec,
                        fs::perm_options::add);
      }
    } else {
      UnpackGroup(file, path, dir / name);
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
  for (const fs::path& path : paths) {
    std::ifstream in(path, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad()) throw std::runtime_error("cannot read " + path.string());
    std::string name = "files/" + fs::relative(path, dir).generic_string();
    file.WriteVector(name, bytes);
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

}  // namespace xstilts
