#include "data/h5_file.h"

#include <hdf5.h>

#include <algorithm>
#include <mutex>

#include "data/h5_internal.h"

namespace xstilts {

using namespace h5_internal;

namespace {

// HDF5's error stack is per thread in thread-safe builds: silence it in every thread that opens a
// file. xstilts reports errors itself, naming the file and the dataset.
void SilenceThread() {
  // Before the library's first call: no HDF5 shutdown at exit. A file whose write or close failed
  // (disk full) stays registered inside HDF5, and closing it again at exit crashed in
  // H5F__close_cb (exit 139, the run's summary lost). Every file xstilts writes is closed
  // explicitly, and readers have nothing to flush, so there is nothing for that shutdown to do.
  static const bool no_atexit = [] { return H5dont_atexit() >= 0; }();
  (void)no_atexit;
  thread_local bool silenced = false;
  if (!silenced) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

// File access without HDF5's own flock()-based locking. The artifact store already guarantees that
// a file is written by one process and never changes once published; HDF5's locks would only add
// failures, e.g. when a forked child still holds the descriptor of a file written by another thread.
// The metadata cache may grow to 4 MiB instead of HDF5's 32 MiB: reading variable-length strings
// fills it with global heap collections that are read once (PAN-X tokenize: 64 -> 57 MiB peak).
hid_t UnlockedAccess() {
  static hid_t fapl = [] {
    hid_t p = H5Pcreate(H5P_FILE_ACCESS);
    H5Pset_file_locking(p, false, true);
    H5AC_cache_config_t config;
    config.version = H5AC__CURR_CACHE_CONFIG_VERSION;
    H5Pget_mdc_config(p, &config);
    config.set_initial_size = true;
    config.initial_size = 1 << 20;
    config.min_size = 1 << 20;
    config.max_size = 4 << 20;
    H5Pset_mdc_config(p, &config);
    return p;
  }();
  return fapl;
}

}  // namespace

size_t H5TypeSize(H5Type type) {
  switch (type) {
    case H5Type::kUInt8: return 1;
    case H5Type::kUInt16: return 2;
    case H5Type::kInt32: return 4;
    case H5Type::kFloat32: return 4;
    case H5Type::kInt64: return 8;
    case H5Type::kFloat64: return 8;
  }
  return 1;
}

const char* H5TypeName(H5Type type) {
  switch (type) {
    case H5Type::kUInt8: return "uint8";
    case H5Type::kUInt16: return "uint16";
    case H5Type::kInt32: return "int32";
    case H5Type::kInt64: return "int64";
    case H5Type::kFloat32: return "float32";
    case H5Type::kFloat64: return "float64";
  }
  return "?";
}

uint64_t H5Array::NumElements() const {
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  return n;
}

H5File::H5File(const std::filesystem::path& path, Mode mode) : path_(path) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  SilenceThread();
  if (mode == Mode::kCreate) {
    file_id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, UntimedFileCreation(), UnlockedAccess());
  } else {
    file_id_ = H5Fopen(path.c_str(), mode == Mode::kReadOnly ? H5F_ACC_RDONLY : H5F_ACC_RDWR,
                       UnlockedAccess());
  }
  if (file_id_ < 0) {
    throw H5Error(path.string() + ": cannot " +
                  (mode == Mode::kCreate ? "create" : "open") + " HDF5 file" +
                  (mode == Mode::kCreate ? "" : " (missing, truncated or not HDF5)"));
  }
}

H5File::~H5File() {
  if (file_id_ >= 0) {
    std::lock_guard<std::recursive_mutex> lock(H5Mutex());
    CloseDatasets();
    H5Fclose(file_id_);
  }
}

H5File::H5File(H5File&& other) noexcept
    : path_(std::move(other.path_)), file_id_(other.file_id_), open_datasets_(std::move(other.open_datasets_)) {
  other.file_id_ = -1;
  other.open_datasets_.clear();
}

H5File& H5File::operator=(H5File&& other) noexcept {
  std::swap(path_, other.path_);
  std::swap(file_id_, other.file_id_);
  std::swap(open_datasets_, other.open_datasets_);
  return *this;
}

void H5File::CloseDatasets() noexcept {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  for (const auto& [name, id] : open_datasets_) H5Dclose(id);
  open_datasets_.clear();
}

int64_t H5File::OpenDataset(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  auto it = open_datasets_.find(name);
  if (it != open_datasets_.end()) return it->second;
  hid_t id = H5Dopen2(file_id_, name.c_str(), H5P_DEFAULT);
  if (id < 0) throw H5Error(path_.string() + ": no dataset '" + name + "'");
  open_datasets_.emplace(name, id);
  return id;
}

void H5File::Close() {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  if (file_id_ < 0) return;
  // Closing a dataset writes the chunks its cache still holds, so its failure is a write failure.
  bool datasets_closed = true;
  for (const auto& [name, id] : open_datasets_) datasets_closed = H5Dclose(id) >= 0 && datasets_closed;
  open_datasets_.clear();
  herr_t flushed = H5Fflush(file_id_, H5F_SCOPE_GLOBAL);
  herr_t closed = H5Fclose(file_id_);
  file_id_ = -1;
  if (!datasets_closed || flushed < 0 || closed < 0) {
    throw H5Error(path_.string() + ": writing the HDF5 file failed");
  }
}

void H5File::CreateGroup(const std::string& name) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  if (name.empty() || name == "/" || Exists(name)) return;
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  Handle group(H5Gcreate2(file_id_, name.c_str(), H5P_DEFAULT, UntimedGroupCreation(), H5P_DEFAULT), H5Gclose);
  if (!group.ok()) throw H5Error(path_.string() + ": cannot create group '" + name + "'");
}

bool H5File::Exists(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  if (name.empty() || name == "/") return true;
  // H5Lexists fails on a missing intermediate group, so check each prefix.
  size_t pos = 0;
  while (true) {
    size_t slash = name.find('/', pos + 1);
    std::string prefix = name.substr(0, slash);
    if (!prefix.empty() && prefix != "/" && H5Lexists(file_id_, prefix.c_str(), H5P_DEFAULT) <= 0) {
      return false;
    }
    if (slash == std::string::npos) return true;
    pos = slash;
  }
}

std::vector<std::string> H5File::List(const std::string& group) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  Handle g(H5Gopen2(file_id_, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.ok()) throw H5Error(path_.string() + ": no group '" + group + "'");
  H5G_info_t info;
  H5Gget_info(g.get(), &info);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0,
                                     H5P_DEFAULT);
    std::string name(static_cast<size_t>(len), '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), len + 1,
                       H5P_DEFAULT);
    names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

void H5File::Write(const std::string& name, H5Type type, const std::vector<uint64_t>& shape,
                   const void* data) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Handle dataset(H5Dcreate2(file_id_, name.c_str(), NativeType(type), space.get(), H5P_DEFAULT,
                            UntimedDatasetCreation(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  uint64_t n = 1;
  for (uint64_t d : shape) n *= d;
  if (n > 0 && H5Dwrite(dataset.get(), NativeType(type), H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0) {
    throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
}

void H5File::WriteStrings(const std::string& name, const std::vector<std::string>& values) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  hsize_t dims[1] = {values.size()};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  Handle dataset(H5Dcreate2(file_id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT,
                            UntimedDatasetCreation(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (!values.empty() &&
      H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
    throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
}

H5Array H5File::Read(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string where = path_.string() + ": dataset '" + name + "'";
  Handle dataset(H5Dopen2(file_id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw H5Error(path_.string() + ": no dataset '" + name + "'");
  Handle stored(H5Dget_type(dataset.get()), H5Tclose);
  H5Array array;
  array.type = TypeFromStored(stored.get(), where);
  const std::vector<hsize_t> dims = DimsOf(dataset.get());
  array.shape.assign(dims.begin(), dims.end());
  array.bytes.resize(array.NumElements() * H5TypeSize(array.type));
  if (!array.bytes.empty() && H5Dread(dataset.get(), NativeType(array.type), H5S_ALL, H5S_ALL,
                                      H5P_DEFAULT, array.bytes.data()) < 0) {
    throw H5Error(where + ": read failed (truncated or corrupt file)");
  }
  return array;
}

std::vector<std::string> H5File::ReadStrings(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string where = path_.string() + ": dataset '" + name + "'";
  Handle dataset(H5Dopen2(file_id_, name.c_str(), H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw H5Error(path_.string() + ": no dataset '" + name + "'");
  Handle stored(H5Dget_type(dataset.get()), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || !H5Tis_variable_str(stored.get())) {
    throw H5Error(where + " is not a variable-length string array");
  }
  Handle space(H5Dget_space(dataset.get()), H5Sclose);
  hssize_t n = H5Sget_simple_extent_npoints(space.get());
  std::vector<char*> pointers(static_cast<size_t>(n), nullptr);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  if (n > 0 && H5Dread(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
    throw H5Error(where + ": read failed (truncated or corrupt file)");
  }
  std::vector<std::string> out;
  out.reserve(pointers.size());
  for (char* p : pointers) out.emplace_back(p ? p : "");
  if (n > 0) H5Dvlen_reclaim(type.get(), space.get(), H5P_DEFAULT, pointers.data());
  return out;
}

namespace {

template <typename Fn>
void WithAttribute(hid_t file, const std::string& path, const std::string& object,
                   const std::string& key, hid_t type, bool create, Fn fn) {
  Handle obj(H5Oopen(file, object.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj.ok()) throw H5Error(path + ": no object '" + object + "'");
  if (create) {
    if (H5Aexists(obj.get(), key.c_str()) > 0) H5Adelete(obj.get(), key.c_str());
    Handle space(H5Screate(H5S_SCALAR), H5Sclose);
    Handle attr(H5Acreate2(obj.get(), key.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
                H5Aclose);
    if (!attr.ok()) throw H5Error(path + ": cannot create attribute '" + key + "' on '" + object + "'");
    fn(attr.get());
  } else {
    Handle attr(H5Aopen(obj.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
    if (!attr.ok()) throw H5Error(path + ": no attribute '" + key + "' on '" + object + "'");
    fn(attr.get());
  }
}

}  // namespace

void H5File::SetAttribute(const std::string& object, const std::string& key,
                          const std::string& value) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  Handle type(NewVlenStringType(), H5Tclose);
  WithAttribute(file_id_, path_.string(), object, key, type.get(), true, [&](hid_t attr) {
    const char* p = value.c_str();
    if (H5Awrite(attr, type.get(), &p) < 0) throw H5Error(path_.string() + ": writing attribute '" + key + "'");
  });
}

void H5File::SetAttribute(const std::string& object, const std::string& key, int64_t value) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  WithAttribute(file_id_, path_.string(), object, key, H5T_NATIVE_INT64, true, [&](hid_t attr) {
    if (H5Awrite(attr, H5T_NATIVE_INT64, &value) < 0) throw H5Error(path_.string() + ": writing attribute '" + key + "'");
  });
}

void H5File::SetAttribute(const std::string& object, const std::string& key, double value) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  WithAttribute(file_id_, path_.string(), object, key, H5T_NATIVE_DOUBLE, true, [&](hid_t attr) {
    if (H5Awrite(attr, H5T_NATIVE_DOUBLE, &value) < 0) throw H5Error(path_.string() + ": writing attribute '" + key + "'");
  });
}

bool H5File::HasAttribute(const std::string& object, const std::string& key) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  Handle obj(H5Oopen(file_id_, object.c_str(), H5P_DEFAULT), H5Oclose);
  return obj.ok() && H5Aexists(obj.get(), key.c_str()) > 0;
}

std::string H5File::GetStringAttribute(const std::string& object, const std::string& key) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string out;
  WithAttribute(file_id_, path_.string(), object, key, -1, false, [&](hid_t attr) {
    Handle type(NewVlenStringType(), H5Tclose);
    char* p = nullptr;
    if (H5Aread(attr, type.get(), &p) < 0) throw H5Error(path_.string() + ": attribute '" + key + "' is not a string");
    out = p ? p : "";
    H5free_memory(p);
  });
  return out;
}

int64_t H5File::GetIntAttribute(const std::string& object, const std::string& key) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  int64_t out = 0;
  WithAttribute(file_id_, path_.string(), object, key, -1, false, [&](hid_t attr) {
    if (H5Aread(attr, H5T_NATIVE_INT64, &out) < 0) throw H5Error(path_.string() + ": attribute '" + key + "' is not an integer");
  });
  return out;
}

double H5File::GetDoubleAttribute(const std::string& object, const std::string& key) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  double out = 0;
  WithAttribute(file_id_, path_.string(), object, key, -1, false, [&](hid_t attr) {
    if (H5Aread(attr, H5T_NATIVE_DOUBLE, &out) < 0) throw H5Error(path_.string() + ": attribute '" + key + "' is not a number");
  });
  return out;
}

}  // namespace xstilts
