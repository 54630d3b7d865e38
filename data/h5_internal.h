// Internal to data/h5_file.cc and data/h5_file_rows.cc: the pieces of the HDF5 C API wrapper
// that both use. Not for other code (it includes <hdf5.h>).
#pragma once

#include <hdf5.h>

#include <algorithm>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "data/h5_file.h"

namespace xstilts::h5_internal {

// HDF5 as packaged may not be built thread-safe; nodes run in parallel, so serialize all calls.
inline std::recursive_mutex& H5Mutex() {
  static std::recursive_mutex mutex;
  return mutex;
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

// Creation property lists that leave out HDF5's object timestamps, so that building an artifact
// twice gives the same bytes (two machines building one key upload one blob; a rebuild can be
// checked against the original). Made once; the library closes them when it shuts down.
inline hid_t UntimedCreation(hid_t property_class) {
  hid_t p = H5Pcreate(property_class);
  H5Pset_obj_track_times(p, false);
  return p;
}
inline hid_t UntimedFileCreation() {
  static const hid_t fcpl = UntimedCreation(H5P_FILE_CREATE);  // the root group's times
  return fcpl;
}
inline hid_t UntimedGroupCreation() {
  static const hid_t gcpl = UntimedCreation(H5P_GROUP_CREATE);
  return gcpl;
}
inline hid_t UntimedDatasetCreation() {
  static const hid_t dcpl = UntimedCreation(H5P_DATASET_CREATE);
  return dcpl;
}

inline hid_t NativeType(H5Type type) {
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
inline H5Type TypeFromStored(hid_t stored, const std::string& where) {
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

inline std::string ParentOf(const std::string& name) {
  size_t slash = name.rfind('/');
  return slash == std::string::npos || slash == 0 ? "" : name.substr(0, slash);
}

inline std::vector<hsize_t> DimsOf(hid_t dataset) {
  Handle space(H5Dget_space(dataset), H5Sclose);
  int rank = H5Sget_simple_extent_ndims(space.get());
  std::vector<hsize_t> dims(static_cast<size_t>(std::max(rank, 0)));
  H5Sget_simple_extent_dims(space.get(), dims.data(), nullptr);
  return dims;
}

// Selects rows [first, first + rows) of `dataset` in a new file space; returns it and the memory space.
inline std::pair<hid_t, hid_t> RowSelection(hid_t dataset, uint64_t first, uint64_t rows) {
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
inline void CheckRows(const std::vector<hsize_t>& dims, uint64_t first, uint64_t rows, const std::string& what) {
  if (dims.empty() || first + rows > dims[0] || first + rows < first) {
    throw H5Error(what + ": rows " + std::to_string(first) + ".." + std::to_string(first + rows) + " out of range");
  }
}

// Throws unless `dataset` stores variable-length strings; `what` names it in the message.
inline void CheckVlenStringDataset(hid_t dataset, const std::string& what) {
  const hid_t stored = H5Dget_type(dataset);
  const bool ok = H5Tget_class(stored) == H5T_STRING && H5Tis_variable_str(stored) > 0;
  H5Tclose(stored);
  if (!ok) throw H5Error(what + " is not a variable-length string array");
}

// The memory type of variable-length UTF-8 strings (caller closes it).
inline hid_t NewVlenStringType() {
  hid_t type = H5Tcopy(H5T_C_S1);
  H5Tset_size(type, H5T_VARIABLE);
  H5Tset_cset(type, H5T_CSET_UTF8);
  return type;
}

}  // namespace xstilts::h5_internal
