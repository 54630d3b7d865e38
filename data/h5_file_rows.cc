// H5File's row-wise calls (data/h5_file.h): datasets created first and filled, grown or read by
// row ranges, through the open-dataset cache of h5_file.cc.
#include <hdf5.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <vector>

#include "data/h5_file.h"
#include "data/h5_internal.h"

namespace xstilts {

using namespace h5_internal;

void H5File::Create(const std::string& name, H5Type type, const std::vector<uint64_t>& shape) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  std::string parent = ParentOf(name);
  if (!parent.empty()) CreateGroup(parent);
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), NativeType(type), space.get(), H5P_DEFAULT,
                             UntimedDatasetCreation(), H5P_DEFAULT);
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
  H5Pset_obj_track_times(properties.get(), false);
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), NativeType(type), space.get(), H5P_DEFAULT,
                             properties.get(), H5P_DEFAULT);
  if (dataset < 0) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  open_datasets_.emplace(name, dataset);
}


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
  // Once the data ends on a chunk boundary no partial chunk is pending, so close the dataset: its
  // chunk cache (up to 1 MiB) is freed, and a writer that appends whole chunks holds no more
  // memory than one that re-opened the dataset every time.
  Handle properties(H5Dget_create_plist(dataset), H5Pclose);
  std::vector<hsize_t> chunk(grown.size());
  if (H5Pget_layout(properties.get()) == H5D_CHUNKED &&
      H5Pget_chunk(properties.get(), static_cast<int>(chunk.size()), chunk.data()) >= 0 && chunk[0] > 0 &&
      grown[0] % chunk[0] == 0) {
    open_datasets_.erase(name);
    if (H5Dclose(dataset) < 0) throw H5Error(path_.string() + ": cannot write dataset '" + name + "' (disk full?)");
  }
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
  hid_t dataset = H5Dcreate2(file_id_, name.c_str(), type.get(), space.get(), H5P_DEFAULT, UntimedDatasetCreation(),
                             H5P_DEFAULT);
  if (dataset < 0) throw H5Error(path_.string() + ": cannot create dataset '" + name + "'");
  open_datasets_.emplace(name, dataset);
}

void H5File::WriteStringRows(const std::string& name, uint64_t first_row, const std::vector<std::string>& values) {
  std::lock_guard<std::recursive_mutex> lock(H5Mutex());
  const std::string where = path_.string() + ": dataset '" + name + "'";
  const hid_t dataset = OpenDataset(name);
  CheckVlenStringDataset(dataset, where);
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
  CheckVlenStringDataset(dataset, where);
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

}  // namespace xstilts
