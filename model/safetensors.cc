#include "model/safetensors.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "safetensors.cc assumes a little-endian host"
#endif

namespace xstilts {
namespace {

struct DTypeInfo {
  SafetensorsDType dtype;
  const char* name;
  int64_t size;
};
constexpr DTypeInfo kDTypes[] = {
    {SafetensorsDType::kF64, "F64", 8}, {SafetensorsDType::kF32, "F32", 4},
    {SafetensorsDType::kF16, "F16", 2}, {SafetensorsDType::kBF16, "BF16", 2},
    {SafetensorsDType::kI64, "I64", 8}, {SafetensorsDType::kI32, "I32", 4},
    {SafetensorsDType::kI16, "I16", 2}, {SafetensorsDType::kI8, "I8", 1},
    {SafetensorsDType::kU8, "U8", 1},   {SafetensorsDType::kBool, "BOOL", 1}};

// The format caps the header at 100 MB; anything larger is a corrupt length field.
constexpr uint64_t kMaxHeaderBytes = 100u * 1000u * 1000u;

Status Corrupt(const std::string& source, const std::string& what) {
  return Status::Error(ErrorKind::kCorrupt, source + ": " + what);
}

struct Entry {
  SafetensorsTensor tensor;  // data left empty here
  uint64_t begin = 0;
  uint64_t end = 0;
};

// Validates the JSON header against a data section of `data_size` bytes.
Result<std::vector<Entry>> ParseHeader(const std::string& header, uint64_t data_size,
                                       const std::string& source,
                                       std::map<std::string, std::string>* metadata) {
  nlohmann::json json = nlohmann::json::parse(header, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Corrupt(source, "header is not a JSON object");
  }
  std::vector<Entry> entries;
  for (auto it = json.begin(); it != json.end(); ++it) {
    const std::string& name = it.key();
    const nlohmann::json& value = it.value();
    if (name == "__metadata__") {
      if (!value.is_object()) return Corrupt(source, "__metadata__ is not an object");
      for (auto m = value.begin(); m != value.end(); ++m) {
        if (!m.value().is_string()) {
          return Corrupt(source, "__metadata__ value '" + m.key() + "' is not a string");
        }
        (*metadata)[m.key()] = m.value().get<std::string>();
      }
      continue;
    }
    const std::string where = "tensor '" + name + "': ";
    if (!value.is_object()) return Corrupt(source, where + "entry is not an object");
    auto dtype_it = value.find("dtype");
    if (dtype_it == value.end() || !dtype_it->is_string()) {
      return Corrupt(source, where + "missing dtype");
    }
    std::optional<SafetensorsDType> dtype = ParseSafetensorsDType(dtype_it->get<std::string>());
    if (!dtype) return Corrupt(source, where + "unknown dtype \"" + dtype_it->get<std::string>() + "\"");
    Entry entry;
    entry.tensor.name = name;
    entry.tensor.dtype = *dtype;
    auto shape_it = value.find("shape");
    if (shape_it == value.end() || !shape_it->is_array()) return Corrupt(source, where + "missing shape");
    for (const nlohmann::json& d : *shape_it) {
      if (!d.is_number_unsigned()) return Corrupt(source, where + "shape " + shape_it->dump() + " is not a list of non-negative integers");
      entry.tensor.shape.push_back(d.get<int64_t>());
    }
    auto off_it = value.find("data_offsets");
    if (off_it == value.end() || !off_it->is_array() || off_it->size() != 2 ||
        !(*off_it)[0].is_number_unsigned() || !(*off_it)[1].is_number_unsigned()) {
      return Corrupt(source, where + "data_offsets must be [begin, end]");
    }
    entry.begin = (*off_it)[0].get<uint64_t>();
    entry.end = (*off_it)[1].get<uint64_t>();
    const std::string range = "data_offsets [" + std::to_string(entry.begin) + ", " + std::to_string(entry.end) + "]";
    if (entry.end < entry.begin) return Corrupt(source, where + range + " end before begin");
    const uint64_t expected =
        static_cast<uint64_t>(entry.tensor.NumElements()) * SafetensorsDTypeSize(*dtype);
    if (entry.end - entry.begin != expected) {
      return Corrupt(source, where + range + " hold " + std::to_string(entry.end - entry.begin) +
                                 " bytes but dtype " + SafetensorsDTypeName(*dtype) + " and shape " +
                                 shape_it->dump() + " need " + std::to_string(expected));
    }
    if (entry.end > data_size) {
      return Corrupt(source, where + range + " end past the data section (" +
                                 std::to_string(data_size) + " bytes; file truncated?)");
    }
    entries.push_back(std::move(entry));
  }
  std::sort(entries.begin(), entries.end(), [](const Entry& a, const Entry& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  for (size_t i = 1; i < entries.size(); ++i) {
    if (entries[i].begin < entries[i - 1].end) {
      return Corrupt(source, "tensor '" + entries[i].tensor.name + "': bytes overlap tensor '" +
                                 entries[i - 1].tensor.name + "'");
    }
  }
  return entries;
}

uint64_t ReadLittleEndian64(const char* bytes) {
  uint64_t value = 0;
  for (int i = 7; i >= 0; --i) value = (value << 8) | static_cast<unsigned char>(bytes[i]);
  return value;
}

Status CheckHeaderLength(uint64_t header_len, uint64_t file_size, const std::string& source) {
  if (header_len > kMaxHeaderBytes) {
    return Corrupt(source, "header length " + std::to_string(header_len) + " exceeds the 100 MB limit");
  }
  if (header_len > file_size - 8) {
    return Corrupt(source, "header length " + std::to_string(header_len) + " runs past the end of the file (" +
                               std::to_string(file_size) + " bytes)");
  }
  return Status::Ok();
}

}  // namespace

const char* SafetensorsDTypeName(SafetensorsDType dtype) {
  for (const DTypeInfo& info : kDTypes) {
    if (info.dtype == dtype) return info.name;
  }
  return "?";
}

int64_t SafetensorsDTypeSize(SafetensorsDType dtype) {
  for (const DTypeInfo& info : kDTypes) {
    if (info.dtype == dtype) return info.size;
  }
  return 0;
}

std::optional<SafetensorsDType> ParseSafetensorsDType(const std::string& name) {
  for (const DTypeInfo& info : kDTypes) {
    if (name == info.name) return info.dtype;
  }
  return std::nullopt;
}

int64_t SafetensorsTensor::NumElements() const {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

const SafetensorsTensor* SafetensorsFile::Find(const std::string& name) const {
  for (const SafetensorsTensor& t : tensors) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

Result<SafetensorsFile> ParseSafetensors(const std::string& bytes, const std::string& source) {
  if (bytes.size() < 8) return Corrupt(source, "file is " + std::to_string(bytes.size()) + " bytes, shorter than the 8-byte header length");
  const uint64_t header_len = ReadLittleEndian64(bytes.data());
  XSTILTS_RETURN_IF_ERROR(CheckHeaderLength(header_len, bytes.size(), source));
  SafetensorsFile file;
  const uint64_t data_start = 8 + header_len;
  auto entries = ParseHeader(bytes.substr(8, header_len), bytes.size() - data_start, source, &file.metadata);
  if (!entries.ok()) return entries.status();
  for (Entry& e : *entries) {
    e.tensor.data = bytes.substr(data_start + e.begin, e.end - e.begin);
    file.tensors.push_back(std::move(e.tensor));
  }
  return file;
}

Result<SafetensorsFile> ReadSafetensors(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Error(ErrorKind::kNotFound, path + ": cannot open safetensors file");
  std::error_code ec;
  const uint64_t file_size = std::filesystem::file_size(path, ec);
  if (ec) return Status::Error(ErrorKind::kIo, path + ": " + ec.message());
  if (file_size < 8) return Corrupt(path, "file is " + std::to_string(file_size) + " bytes, shorter than the 8-byte header length");
  char len_bytes[8];
  in.read(len_bytes, 8);
  const uint64_t header_len = ReadLittleEndian64(len_bytes);
  XSTILTS_RETURN_IF_ERROR(CheckHeaderLength(header_len, file_size, path));
  std::string header(header_len, '\0');
  in.read(header.data(), static_cast<std::streamsize>(header_len));
  SafetensorsFile file;
  const uint64_t data_start = 8 + header_len;
  auto entries = ParseHeader(header, file_size - data_start, path, &file.metadata);
  if (!entries.ok()) return entries.status();
  for (Entry& e : *entries) {
    e.tensor.data.resize(e.end - e.begin);
    in.seekg(static_cast<std::streamoff>(data_start + e.begin));
    in.read(e.tensor.data.data(), static_cast<std::streamsize>(e.end - e.begin));
    if (!in) return Status::Error(ErrorKind::kIo, path + ": tensor '" + e.tensor.name + "': read failed");
    file.tensors.push_back(std::move(e.tensor));
  }
  return file;
}

Result<std::string> SerializeSafetensors(const SafetensorsFile& file) {
  nlohmann::json header = nlohmann::json::object();
  if (!file.metadata.empty()) header["__metadata__"] = file.metadata;
  std::set<std::string> names;
  uint64_t offset = 0;
  for (const SafetensorsTensor& t : file.tensors) {
    if (t.name == "__metadata__" || !names.insert(t.name).second) {
      return Status::Error(ErrorKind::kInvalidInput, "tensor name '" + t.name + "' repeats or is reserved");
    }
    const uint64_t size = static_cast<uint64_t>(t.NumElements()) * SafetensorsDTypeSize(t.dtype);
    if (size != t.data.size()) {
      return Status::Error(ErrorKind::kInvalidInput, "tensor '" + t.name + "': holds " + std::to_string(t.data.size()) +
                                                         " bytes, its dtype and shape need " + std::to_string(size));
    }
    header[t.name] = {{"dtype", SafetensorsDTypeName(t.dtype)},
                      {"shape", t.shape},
                      {"data_offsets", {offset, offset + size}}};
    offset += size;
  }
  std::string header_text = header.dump();
  // Aligning the data section to 8 bytes lets readers map it in place.
  header_text.append((8 - header_text.size() % 8) % 8, ' ');
  std::string out;
  out.reserve(8 + header_text.size() + offset);
  const uint64_t header_len = header_text.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((header_len >> (8 * i)) & 0xff));
  out += header_text;
  for (const SafetensorsTensor& t : file.tensors) out += t.data;
  return out;
}

Status WriteSafetensors(const SafetensorsFile& file, const std::string& path) {
  auto bytes = SerializeSafetensors(file);
  if (!bytes.ok()) return bytes.status().WithContext(path);
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return Status::Error(ErrorKind::kIo, tmp + ": cannot open for writing");
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size()));
    out.close();
    if (!out) return Status::Error(ErrorKind::kIo, tmp + ": write failed");
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Error(ErrorKind::kIo, path + ": rename failed: " + ec.message());
  return Status::Ok();
}

}  // namespace xstilts
