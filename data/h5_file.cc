#include "data/h5_file.h"

#include <hdf5.h>

#include <algorithm>
#include <mutex>

namespace xstilts {
namespace {

// HDF5 as packaged may not be built thread-safe; nodes run in parallel, so serialize all calls.
std::recursive_mutex& H5Mutex() {
  static std::recursive_mutex mutex;
  return mutex;
}

// HDF5's error stack is per thread in thread-safe builds: silence it in every thread that opens a
// file. xstilts reports errors itself, naming the file and the dataset.
void SilenceThread() {
  thread_local bool silenced = false;
  if (!silenced) H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  silenced = true;
}

// File access without HDF5's own flock()-based locking. The artifact store already guarantees that
// a file is written by one process and never changes once published; HDF5's locks would only add
// failures, e.g. when a forked child still holds the descriptor of a file written by another thread.
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

// Closes an HDF5 handle with the matching close function.
class Handle {
 public:
  Handle(hid_t id, herr_t (*close)(hid_t)) : id_(id), close_(close) {}
  ~Handle() { if (id_ >= 0) close_(id_); }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  herr_t (*close_)(hid_t);
};

hid_t NativeType(H5Type type) {
  switch (type) {
    case H5Type::kUInt8: return H5T_NATIVE_UINT8;
    case H5Type::kUInt16: return H5T_NATIVE_UINT16;
    case H5Type::kInt32: return H5T_NATIVE_INT32;
    case H5Type::kInt64: return H5T_NATIVE_INT64;
    case H5Type::kFloat32: return H5T_NATIVE_FLOAT;
    case H5Type::kFloat64: return H5T_NATIVE_DOUBLE;
  }
  return H5T_NATIVE_UINT8;
}

// Maps a stored type to ours; throws for types xstilts never writes.
H5Type TypeFromStored(hid_t stored, const std::string& where) {
  H5T_class_t cls = H5Tget_class(stored);
  size_t size = H5Tget_size(stored);
  if (cls == H5T_INTEGER) {
    bool is_signed = H5Tget_sign(stored) == H5T_SGN_2;
    if (!is_signed && size == 1) return H5Type::kUInt8;
    if (!is_signed && size == 2) return H5Type::kUInt16;
    if (is_signed && size == 4) return H5Type::kInt32;
    if (is_signed && size == 8) return H5Type::kInt64;
  } else if (cls == H5T_FLOAT) {
    if (size == 4) return H5Type::kFloat32;
    if (size == 8) return H5Type::kFloat64;
  }
  throw H5Error(where + ": unsupported HDF5 element type (class " + std::to_string(cls) +
                ", " + std::to_string(size) + " bytes)");
}

std::string ParentOf(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos || slash == 0 ? "" : name.substr(0, slash);
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
    file_id_ = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, UnlockedAccess());
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
  Handle group(H5Gcreate2(file_id_, name.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
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
                            H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
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
                            H5P_DEFAULT, H5P_DEFAULT), H5Dclose);
  if (!dataset.ok()) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  if (!values.empty() &&
      H5Dwrite(dataset.get(), type.get(), H5S_ALL, H5S_ALL, H5P_DEFAULT, pointers.data()) < 0) {
    throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
}

void H5File::Create(const std::string& name, H5Type type, const std::vector<uint64_t>& shape) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), NativeType(type), space.get(), H5P_DEFAULT,
                             H5P_DEFAULT, H5P_DEFAULT);
  if (dataset < 0) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  open_datasets_.emplace(name, dataset);
}

void H5File::CreateExtendable(const std::string& name, H5Type type, const std::vector<uint64_t>& row_shape) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  std::vector<hsize_t> dims = {0}, max_dims = {H5S_UNLIMITED}, chunk = {1};
  uint64_t row_elements = 1;
  for (uint64_t d : row_shape) {
    dims.push_back(d);
    max_dims.push_back(d);
    chunk.push_back(d);
    row_elements *= d;
  }
  // About 1 MiB chunks: small enough to append often, large enough to read fast.
  chunk[0] = std::max<hsize_t>(1, (1 << 20) / std::max<uint64_t>(1, row_elements * H5TypeSize(type)));
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), max_dims.data()), H5Sclose);
  Handle properties(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data());
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), NativeType(type), space.get(), H5P_DEFAULT,
                             properties.get(), H5P_DEFAULT);
  if (dataset < 0) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  open_datasets_.emplace(name, dataset);
}

namespace {

std::vector<hsize_t> DimsOf(hid_t dataset) {
  Handle space(H5Dget_space(dataset), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

// Selects rows [first, first + rows) of `dataset` in a new file space; returns it and the memory space.
std::pair<hid_t, hid_t> RowSelection(hid_t dataset, uint64_t first, uint64_t rows) {
  hid_t file_space = H5Dget_space(dataset);
  int rank = H5Sget_simple_extent_ndims(file_space);
  std::vector<hsize_t> dims(static_cast<size_t>(rank));
  H5Sget_simple_extent_dims(file_space, dims.data(), nullptr);
  std::vector<hsize_t> start(dims.size(), 0), count = dims;
  start[0] = first;
  count[0] = rows;
  H5Sselect_hyperslab(file_space, H5S_SELECT_SET, start.data(), nullptr, count.data(), nullptr);
  hid_t memory_space = H5Screate_simple(rank, count.data(), nullptr);
  return {file_space, memory_space};
}

// Throws unless rows [first, first + rows) lie inside a dataset of shape `dims`.
void CheckRows(const std::vector<hsize_t>& dims, uint64_t first, uint64_t rows, const std::string& what) {
  if (dims.empty() || first + rows > dims[0] || first + rows < first) {
    throw H5Error(what + ": rows " + std::to_string(first) + ".." + std::to_string(first + rows) + " out of range");
  }
}

// The memory type of variable-length UTF-8 strings (caller closes it).
hid_t NewVlenStringType() {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

}  // namespace

void H5File::WriteRows(const std::string& name, uint64_t first_row, uint64_t rows, const void* data) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  const hid_t dataset = OpenDataset(name);
  const std::vector<hsize_t> dims = DimsOf(dataset);
  if (dims.empty() || first_row + rows > dims[0]) {
    throw H5Error(path_.string() + ": rows " + std::to_string(first_row) + ".." + std::to_string(first_row + rows) +
                  " are outside dataset '" + name + "'");
  }
  if (rows == 0) return;
  Handle stored(H5Dget_type(dataset), H5Tclose);
  auto [file_space, memory_space] = RowSelection(dataset, first_row, rows);
  Handle f(file_space, H5Sclose), m(memory_space, H5Sclose);
  H5Type type = TypeFromStored(stored.get(), path_.string() + ": dataset '" + name + "'");
  if (H5Dwrite(dataset, NativeType(type), m.get(), f.get(), H5P_DEFAULT, data) < 0) {
    throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
}

void H5File::Append(const std::string& name, uint64_t rows, const void* data) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  if (rows == 0) return;
  const hid_t dataset = OpenDataset(name);
  std::vector<hsize_t> grown = DimsOf(dataset);
  if (grown.empty()) throw H5Error(path_.string() + ": dataset '" + name + "' is a scalar and cannot grow");
  uint64_t first = grown[0];
  grown[0] += rows;
  if (H5Dset_extent(dataset, grown.data()) < 0) {
    throw H5Error(path_.string() + ": dataset '" + name + "' cannot grow (not created with CreateExtendable?)");
  }
  WriteRows(name, first, rows, data);
}

H5Array H5File::ReadRows(const std::string& name, uint64_t first_row, uint64_t rows) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string where = path_.string() + ": dataset '" + name + "'";
  const hid_t dataset = OpenDataset(name);
  H5Array array;
  Handle stored(H5Dget_type(dataset), H5Tclose);
  array.type = TypeFromStored(stored.get(), where);
  const std::vector<hsize_t> dims = DimsOf(dataset);
  CheckRows(dims, first_row, rows, where);
  array.shape.assign(dims.begin(), dims.end());
  array.shape[0] = rows;
  array.bytes.resize(array.NumElements() * H5TypeSize(array.type));
  if (rows == 0) return array;
  auto [file_space, memory_space] = RowSelection(dataset, first_row, rows);
  Handle f(file_space, H5Sclose), m(memory_space, H5Sclose);
  if (H5Dread(dataset, NativeType(array.type), m.get(), f.get(), H5P_DEFAULT, array.bytes.data()) < 0) {
    throw H5Error(where + ": read failed (truncated or corrupt file)");
  }
  return array;
}

void H5File::CreateStrings(const std::string& name, uint64_t rows) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  Handle type(NewVlenStringType(), H5Tclose);
  hsize_t dims[1] = {rows};
  Handle space(H5Screate_simple(1, dims, nullptr), H5Sclose);
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  if (dataset < 0) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  open_datasets_.emplace(name, dataset);
}

void H5File::WriteStringRows(const std::string& name, uint64_t first_row, const std::vector<std::string>& values) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  const std::string where = path_.string() + ": dataset '" + name + "'";
  const hid_t dataset = OpenDataset(name);
  Handle stored(H5Dget_type(dataset), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || !H5Tis_variable_str(stored.get())) {
    throw H5Error(where + " is not a variable-length string array");
  }
  CheckRows(DimsOf(dataset), first_row, values.size(), where);
  if (values.empty()) return;
  std::vector<const char*> pointers;
  pointers.reserve(values.size());
  for (const std::string& v : values) pointers.push_back(v.c_str());
  Handle type(NewVlenStringType(), H5Tclose);
  auto [file_space, memory_space] = RowSelection(dataset, first_row, values.size());
  Handle f(file_space, H5Sclose), m(memory_space, H5Sclose);
  if (H5Dwrite(dataset, type.get(), m.get(), f.get(), H5P_DEFAULT, pointers.data()) < 0) {
    throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
}

std::vector<std::string> H5File::ReadStringRows(const std::string& name, uint64_t first_row, uint64_t rows) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  const std::string where = path_.string() + ": dataset '" + name + "'";
  const hid_t dataset = OpenDataset(name);
  Handle stored(H5Dget_type(dataset), H5Tclose);
  if (H5Tget_class(stored.get()) != H5T_STRING || !H5Tis_variable_str(stored.get())) {
    throw H5Error(where + " is not a variable-length string array");
  }
  CheckRows(DimsOf(dataset), first_row, rows, where);
  std::vector<std::string> out;
  if (rows == 0) return out;
  Handle type(NewVlenStringType(), H5Tclose);
  auto [file_space, memory_space] = RowSelection(dataset, first_row, rows);
  Handle f(file_space, H5Sclose), m(memory_space, H5Sclose);
  std::vector<char*> pointers(rows, nullptr);
  if (H5Dread(dataset, type.get(), m.get(), f.get(), H5P_DEFAULT, pointers.data()) < 0) {
    throw H5Error(where + ": read failed (truncated or corrupt file)");
  }
  out.reserve(rows);
  for (char* p : pointers) out.emplace_back(p ? p : "");
  // HDF5 allocated every string of the selection; give them back.
  H5Dvlen_reclaim(type.get(), m.get(), H5P_DEFAULT, pointers.data());
  return out;
}

std::vector<uint64_t> H5File::Shape(const std::string& name) const {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  const std::vector<hsize_t> dims = DimsOf(OpenDataset(name));
  return std::vector<uint64_t>(dims.begin(), dims.end());
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
