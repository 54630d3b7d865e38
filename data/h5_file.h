// H5File: a small RAII wrapper over the HDF5 C API for xstilts artifacts.
//
// Artifacts are plain HDF5 so that h5py and pandas read them without xstilts: datasets are
// contiguous n-d arrays of standard numeric types or variable-length UTF-8 strings, metadata are
// attributes on the root group or on a dataset. Layouts are documented in docs/artifacts.md.
//
// Errors: every failing call throws H5Error naming the file and the object. HDF5's own error
// printing is switched off. One H5File must not be used from two threads at once (Debian's HDF5 is
// built without thread-safety), and all HDF5 calls in the process go through a global mutex.
//
// Open datasets: the row-wise calls (Create, WriteRows, CreateExtendable, Append, ReadRows,
// CreateStrings, WriteStringRows, ReadStringRows, Shape) keep each dataset they touch open until
// Close() or the destructor, so that a stream of small appends or range reads does not re-open
// the dataset every time, and HDF5's chunk cache (1 MiB per dataset) keeps the partly written
// last chunk of an extendable dataset in memory between appends instead of writing it out and
// reading it back. Append closes the dataset again whenever its length reaches a whole number of
// chunks, so appending whole chunks holds no chunk in memory, and other appends hold at most the
// one partial chunk per dataset (about 1 MiB). Datasets read by ReadRows keep their cache too.
// HDF5's metadata cache is limited to 4 MiB per file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace xstilts {

class H5Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class H5Type { kUInt8, kInt32, kInt64, kFloat32, kFloat64, kUInt16 };
size_t H5TypeSize(H5Type type);
const char* H5TypeName(H5Type type);

// A dataset read whole into memory: raw little-endian bytes of `type`, row-major `shape`.
struct H5Array {
  H5Type type = H5Type::kUInt8;
  std::vector<uint64_t> shape;
  std::vector<uint8_t> bytes;
  uint64_t NumElements() const;
  template <typename T>
  const T* data() const { return reinterpret_cast<const T*>(bytes.data()); }
};

class H5File {
 public:
  enum class Mode { kCreate /* truncate */, kReadOnly, kReadWrite };
  H5File(const std::filesystem::path& path, Mode mode);
  ~H5File();
  H5File(H5File&& other) noexcept;
  H5File& operator=(H5File&& other) noexcept;
  H5File(const H5File&) = delete;
  H5File& operator=(const H5File&) = delete;

  const std::filesystem::path& path() const { return path_; }
  // Flushes and closes; throws if the data could not be written (e.g. disk full).
  void Close();

  // Groups are created on demand by Write*: "a/b/c" creates a and a/b.
  void CreateGroup(const std::string& name);
  bool Exists(const std::string& name) const;
  // Names of the direct children of a group ("/" for the root), sorted.
  std::vector<std::string> List(const std::string& group) const;

  void Write(const std::string& name, H5Type type, const std::vector<uint64_t>& shape,
             const void* data);
  template <typename T>
  void WriteVector(const std::string& name, const std::vector<T>& values);
  void WriteStrings(const std::string& name, const std::vector<std::string>& values);

  // Streaming writes, for data larger than memory. A fixed-size dataset is created first and
  // filled by row ranges; an extendable one (chunked, unlimited first dimension) grows by Append.
  // "Rows" are slices along the first dimension; `row_shape` is the shape of one row ({} for 1-d).
  void Create(const std::string& name, H5Type type, const std::vector<uint64_t>& shape);
  void WriteRows(const std::string& name, uint64_t first_row, uint64_t rows, const void* data);
  void CreateExtendable(const std::string& name, H5Type type, const std::vector<uint64_t>& row_shape);
  void Append(const std::string& name, uint64_t rows, const void* data);
  // Reads rows [first_row, first_row + rows) of a numeric dataset. Checks the dataset's type even
  // when `rows` is 0.
  H5Array ReadRows(const std::string& name, uint64_t first_row, uint64_t rows) const;

  // Strings by row ranges: a 1-d variable-length UTF-8 string dataset of `rows` empty strings,
  // filled by WriteStringRows (strings end at a NUL byte, as in WriteStrings), and read back by
  // ReadStringRows, which throws when the dataset holds no variable-length strings (checked even
  // when `rows` is 0) or the range lies outside it.
  void CreateStrings(const std::string& name, uint64_t rows);
  void WriteStringRows(const std::string& name, uint64_t first_row, const std::vector<std::string>& values);
  std::vector<std::string> ReadStringRows(const std::string& name, uint64_t first_row, uint64_t rows) const;

  H5Array Read(const std::string& name) const;
  template <typename T>
  std::vector<T> ReadVector(const std::string& name) const;
  std::vector<std::string> ReadStrings(const std::string& name) const;
  std::vector<uint64_t> Shape(const std::string& name) const;

  // Attributes on `object` ("/" for the file).
  void SetAttribute(const std::string& object, const std::string& key, const std::string& value);
  void SetAttribute(const std::string& object, const std::string& key, int64_t value);
  void SetAttribute(const std::string& object, const std::string& key, double value);
  bool HasAttribute(const std::string& object, const std::string& key) const;
  std::string GetStringAttribute(const std::string& object, const std::string& key) const;
  int64_t GetIntAttribute(const std::string& object, const std::string& key) const;
  double GetDoubleAttribute(const std::string& object, const std::string& key) const;

 private:
  // The open dataset `name` (opened on first use, kept until CloseDatasets); throws "no dataset".
  int64_t OpenDataset(const std::string& name) const;
  void CloseDatasets() noexcept;

  std::filesystem::path path_;
  int64_t file_id_ = -1;
  // name -> HDF5 dataset id. Mutable: reading opens datasets too. Guarded like every HDF5 call
  // (one thread per H5File, and the global mutex).
  mutable std::map<std::string, int64_t> open_datasets_;
};

template <typename T>
constexpr H5Type H5TypeOf();
template <> constexpr H5Type H5TypeOf<uint8_t>() { return H5Type::kUInt8; }
template <> constexpr H5Type H5TypeOf<uint16_t>() { return H5Type::kUInt16; }
template <> constexpr H5Type H5TypeOf<int32_t>() { return H5Type::kInt32; }
template <> constexpr H5Type H5TypeOf<int64_t>() { return H5Type::kInt64; }
template <> constexpr H5Type H5TypeOf<float>() { return H5Type::kFloat32; }
template <> constexpr H5Type H5TypeOf<double>() { return H5Type::kFloat64; }

template <typename T>
void H5File::WriteVector(const std::string& name, const std::vector<T>& values) {
  Write(name, H5TypeOf<T>(), {values.size()}, values.data());
}

template <typename T>
std::vector<T> H5File::ReadVector(const std::string& name) const {
  H5Array array = Read(name);
  if (array.type != H5TypeOf<T>() || array.shape.size() != 1) {
    throw H5Error(path_.string() + ": dataset '" + name + "' is " + H5TypeName(array.type) +
                  " of rank " + std::to_string(array.shape.size()) + ", expected a 1-d " +
                  H5TypeName(H5TypeOf<T>()) + " array");
  }
  std::vector<T> out(array.NumElements());
  std::copy(array.data<T>(), array.data<T>() + out.size(), out.begin());
  return out;
}

}  // namespace xstilts
