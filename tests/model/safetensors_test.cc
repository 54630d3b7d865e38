#include "model/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>
#include <filesystem>
#include <fstream>

namespace xstilts {
namespace {

SafetensorsTensor F32(const std::string& name, std::vector<int64_t> shape, std::vector<float> values) {
  SafetensorsTensor t;
  t.name = name;
  t.dtype = SafetensorsDType::kF32;
  t.shape = std::move(shape);
  t.data.resize(values.size() * 4);
  std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

// A file built byte by byte, as another writer would lay it out.
std::string RawFile(const std::string& header, const std::string& data) {
  std::string out;
  const uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  return out + header + data;
}

TEST(Safetensors, RoundTripsBytesDtypesAndMetadata) {
  SafetensorsFile file;
  file.metadata = {{"format", "pt"}};
  file.tensors.push_back(F32("a.weight", {2, 2}, {1.5f, -2.0f, 3.25f, 0.0f}));
  SafetensorsTensor bf16;
  bf16.name = "b";
  bf16.dtype = SafetensorsDType::kBF16;
  bf16.shape = {3};
  bf16.data = std::string("\x80\x3f\x00\x40\x40\x40", 6);
  file.tensors.push_back(bf16);
  SafetensorsTensor ids;
  ids.name = "ids";
  ids.dtype = SafetensorsDType::kI64;
  ids.shape = {1};
  ids.data = std::string("\x05\x00\x00\x00\x00\x00\x00\x00", 8);
  file.tensors.push_back(ids);
  SafetensorsTensor scalar = F32("scalar", {}, {42.0f});
  file.tensors.push_back(scalar);

  auto bytes = SerializeSafetensors(file);
  ASSERT_TRUE(bytes.ok()) << bytes.status().message();
  EXPECT_EQ((bytes->size() - 8 - 4 * 4 - 6 - 8 - 4) % 8, 0u) << "header padded to 8 bytes";
  auto parsed = ParseSafetensors(*bytes, "x.safetensors");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  ASSERT_EQ(parsed->tensors.size(), 4u);
  for (size_t i = 0; i < 4; ++i) {
    EXPECT_EQ(parsed->tensors[i].name, file.tensors[i].name);
    EXPECT_EQ(parsed->tensors[i].dtype, file.tensors[i].dtype);
    EXPECT_EQ(parsed->tensors[i].shape, file.tensors[i].shape);
    EXPECT_EQ(parsed->tensors[i].data, file.tensors[i].data);
  }
  EXPECT_EQ(parsed->metadata, file.metadata);
  auto again = SerializeSafetensors(*parsed);
  EXPECT_EQ(*again, *bytes);

  const std::string path = (std::filesystem::temp_directory_path() / "xstilts_st_roundtrip.safetensors").string();
  ASSERT_TRUE(WriteSafetensors(file, path).ok());
  auto read = ReadSafetensors(path);
  ASSERT_TRUE(read.ok()) << read.status().message();
  EXPECT_EQ(read->Find("ids")->data, ids.data);
  std::filesystem::remove(path);
}

TEST(Safetensors, ReadsForeignLayout) {
  // Offsets in a different order than the header keys, and an F16 tensor.
  std::string header = R"({"z":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},"a":{"dtype":"U8","shape":[2,1],"data_offsets":[4,6]}})";
  auto parsed = ParseSafetensors(RawFile(header, std::string("\x00\x3c\x00\xc0\x07\x09", 6)), "f");
  ASSERT_TRUE(parsed.ok()) << parsed.status().message();
  EXPECT_EQ(parsed->tensors[0].name, "z");
  EXPECT_EQ(parsed->tensors[0].dtype, SafetensorsDType::kF16);
  EXPECT_EQ(parsed->tensors[1].data, std::string("\x07\x09", 2));
}

std::string ParseError(const std::string& bytes) {
  auto parsed = ParseSafetensors(bytes, "m.safetensors");
  EXPECT_FALSE(parsed.ok());
  if (parsed.ok()) return "";
  EXPECT_EQ(parsed.status().kind(), ErrorKind::kCorrupt);
  return parsed.status().message();
}

TEST(Safetensors, RejectsBadFilesNamingTheTensor) {
  EXPECT_EQ(ParseError("abc"), "m.safetensors: file is 3 bytes, shorter than the 8-byte header length");
  EXPECT_EQ(ParseError(RawFile(std::string(100, ' '), "").substr(0, 20)),
            "m.safetensors: header length 100 runs past the end of the file (20 bytes)");
  EXPECT_EQ(ParseError(RawFile("[1]", "")), "m.safetensors: header is not a JSON object");
  EXPECT_EQ(ParseError(RawFile(R"({"w":{"dtype":"F8","shape":[1],"data_offsets":[0,1]}})", "x")),
            "m.safetensors: tensor 'w': unknown dtype \"F8\"");
  EXPECT_EQ(ParseError(RawFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}})", "xxxx")),
            "m.safetensors: tensor 'w': data_offsets [0, 4] hold 4 bytes but dtype F32 and shape [2] need 8");
  EXPECT_EQ(ParseError(RawFile(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", "xxxx")),
            "m.safetensors: tensor 'w': data_offsets [0, 8] end past the data section (4 bytes; file truncated?)");
  EXPECT_EQ(ParseError(RawFile(R"({"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[1,3]}})", "xyz")),
            "m.safetensors: tensor 'b': bytes overlap tensor 'a'");
  EXPECT_EQ(ParseError(RawFile(R"({"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}})", "xxxx")),
            "m.safetensors: tensor 'w': shape [-1] is not a list of non-negative integers");
}

TEST(Safetensors, ReadReportsTruncatedFileAndMissingFile) {
  SafetensorsFile file;
  file.tensors.push_back(F32("lm_head.bias", {4}, {1, 2, 3, 4}));
  auto bytes = SerializeSafetensors(file);
  ASSERT_TRUE(bytes.ok());
  const std::string path = (std::filesystem::temp_directory_path() / "xstilts_st_truncated.safetensors").string();
  {
    std::ofstream out(path, std::ios::binary);
    out.write(bytes->data(), static_cast<std::streamsize>(bytes->size() - 3));
  }
  auto read = ReadSafetensors(path);
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.status().message(),
            path + ": tensor 'lm_head.bias': data_offsets [0, 16] end past the data section (13 bytes; file truncated?)");
  std::filesystem::remove(path);
  auto missing = ReadSafetensors(path);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().kind(), ErrorKind::kNotFound);
}

}  // namespace
}  // namespace xstilts
