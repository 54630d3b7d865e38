#include "data/h5_file.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace xstilts {
namespace {

std::filesystem::path TempPath(const std::string& name) {
  auto dir = std::filesystem::temp_directory_path() / ("xstilts_h5_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  return dir / name;
}

TEST(H5File, RoundTripsArraysStringsAndAttributes) {
  auto path = TempPath("roundtrip.h5");
  {
    H5File file(path, H5File::Mode::kCreate);
    file.WriteVector<int32_t>("tokens/ids", {5, 6, 7});
    std::vector<float> matrix = {1, 2, 3, 4, 5, 6};
    file.Write("weights", H5Type::kFloat32, {2, 3}, matrix.data());
    file.WriteStrings("lang", {"de", "zh", "ünï"});
    file.SetAttribute("/", "kind", std::string("token_dataset"));
    file.SetAttribute("/", "version", int64_t{3});
    file.SetAttribute("weights", "scale", 0.5);
    file.Close();
  }
  H5File file(path, H5File::Mode::kReadOnly);
  EXPECT_EQ(file.ReadVector<int32_t>("tokens/ids"), (std::vector<int32_t>{5, 6, 7}));
  H5Array weights = file.Read("weights");
  EXPECT_EQ(weights.shape, (std::vector<uint64_t>{2, 3}));
  EXPECT_EQ(weights.data<float>()[5], 6.0f);
  EXPECT_EQ(file.ReadStrings("lang"), (std::vector<std::string>{"de", "zh", "ünï"}));
  EXPECT_EQ(file.GetStringAttribute("/", "kind"), "token_dataset");
  EXPECT_EQ(file.GetIntAttribute("/", "version"), 3);
  EXPECT_EQ(file.GetDoubleAttribute("weights", "scale"), 0.5);
  EXPECT_EQ(file.List("/"), (std::vector<std::string>{"lang", "tokens", "weights"}));
  EXPECT_TRUE(file.Exists("tokens/ids"));
  EXPECT_FALSE(file.Exists("tokens/nope/deeper"));
}

TEST(H5File, ReportsMissingDatasetAndWrongType) {
  auto path = TempPath("errors.h5");
  {
    H5File file(path, H5File::Mode::kCreate);
    file.WriteVector<int64_t>("x", {1});
    file.Close();
  }
  H5File file(path, H5File::Mode::kReadOnly);
  try {
    file.Read("y");
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": no dataset 'y'");
  }
  try {
    file.ReadVector<float>("x");
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()),
              path.string() + ": dataset 'x' is int64 of rank 1, expected a 1-d float32 array");
  }
}

TEST(H5File, WritesAndReadsByRowsAndAppends) {
  auto path = TempPath("rows.h5");
  {
    H5File file(path, H5File::Mode::kCreate);
    file.Create("fixed", H5Type::kInt32, {5, 2});
    std::vector<int32_t> rows = {1, 2, 3, 4};
    file.WriteRows("fixed", 3, 2, rows.data());
    file.CreateExtendable("grow", H5Type::kFloat32, {});
    for (int i = 0; i < 3; ++i) {
      std::vector<float> chunk(1000, static_cast<float>(i));
      file.Append("grow", chunk.size(), chunk.data());
    }
    EXPECT_THROW(file.WriteRows("fixed", 4, 2, rows.data()), H5Error);
    file.Close();
  }
  H5File file(path, H5File::Mode::kReadOnly);
  H5Array fixed = file.Read("fixed");
  EXPECT_EQ(std::vector<int32_t>(fixed.data<int32_t>(), fixed.data<int32_t>() + 10),
            (std::vector<int32_t>{0, 0, 0, 0, 0, 0, 1, 2, 3, 4}));
  EXPECT_EQ(file.Shape("grow"), (std::vector<uint64_t>{3000}));
  H5Array middle = file.ReadRows("grow", 999, 2);
  EXPECT_EQ(middle.data<float>()[0], 0.0f);
  EXPECT_EQ(middle.data<float>()[1], 1.0f);
}

TEST(H5File, ReadsAndWritesStringsByRows) {
  auto path = TempPath("string_rows.h5");
  const std::vector<std::string> values = {"null", "eins", "", "drei", "vier ünï", "fünf", "六", "sieben"};
  {
    H5File file(path, H5File::Mode::kCreate);
    file.WriteStrings("whole", values);
    file.CreateStrings("group/filled", 5);
    file.WriteStringRows("group/filled", 1, {"a", "b"});
    file.WriteStringRows("group/filled", 4, {"e"});
    file.WriteVector<int32_t>("numbers", {1, 2});
    try {
      file.WriteStringRows("group/filled", 4, {"e", "f"});
      FAIL() << "expected H5Error";
    } catch (const H5Error& e) {
      EXPECT_EQ(std::string(e.what()), path.string() + ": dataset 'group/filled': rows 4..6 out of range");
    }
    file.Close();
  }
  H5File file(path, H5File::Mode::kReadOnly);
  EXPECT_EQ(file.ReadStringRows("whole", 2, 5), std::vector<std::string>(values.begin() + 2, values.begin() + 7));
  EXPECT_EQ(file.ReadStringRows("whole", 0, 8), values);
  EXPECT_EQ(file.ReadStringRows("whole", 8, 0), std::vector<std::string>());
  EXPECT_EQ(file.ReadStrings("group/filled"), (std::vector<std::string>{"", "a", "b", "", "e"}));
  EXPECT_EQ(file.ReadStringRows("group/filled", 3, 2), (std::vector<std::string>{"", "e"}));
  try {
    file.ReadStringRows("whole", 6, 3);
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": dataset 'whole': rows 6..9 out of range");
  }
  try {
    file.ReadStringRows("numbers", 0, 0);
    FAIL() << "expected H5Error";
  } catch (const H5Error& e) {
    EXPECT_EQ(std::string(e.what()), path.string() + ": dataset 'numbers' is not a variable-length string array");
  }
  EXPECT_THROW(file.ReadStringRows("nope", 0, 0), H5Error);
}

// Appends of a few rows leave a partly written chunk behind each time; the dataset stays open
// between them (and across a move of the H5File), and the data must come out whole.
TEST(H5File, ManySmallAppendsKeepEveryRow) {
  auto path = TempPath("small_appends.h5");
  std::vector<int64_t> expected;
  {
    H5File first(path, H5File::Mode::kCreate);
    first.CreateExtendable("values", H5Type::kInt64, {});
    first.CreateExtendable("pairs", H5Type::kInt32, {2});
    H5File file = std::move(first);
    for (int64_t i = 0; i < 3000; ++i) {
      std::vector<int64_t> rows(static_cast<size_t>(i % 97 + 1));
      for (size_t k = 0; k < rows.size(); ++k) rows[k] = static_cast<int64_t>(expected.size() + k);
      file.Append("values", rows.size(), rows.data());
      expected.insert(expected.end(), rows.begin(), rows.end());
      const int32_t pair[2] = {static_cast<int32_t>(i), static_cast<int32_t>(-i)};
      file.Append("pairs", 1, pair);
    }
    // Reading while appending sees what was appended so far.
    EXPECT_EQ(file.Shape("values"), (std::vector<uint64_t>{expected.size()}));
    EXPECT_EQ(file.ReadRows("pairs", 2999, 1).data<int32_t>()[1], -2999);
    file.Close();
  }
  H5File file(path, H5File::Mode::kReadOnly);
  EXPECT_EQ(file.ReadVector<int64_t>("values"), expected);
  const H5Array pairs = file.Read("pairs");
  ASSERT_EQ(pairs.shape, (std::vector<uint64_t>{3000, 2}));
  for (int32_t i = 0; i < 3000; ++i) {
    ASSERT_EQ(pairs.data<int32_t>()[2 * i], i);
    ASSERT_EQ(pairs.data<int32_t>()[2 * i + 1], -i);
  }
}

TEST(H5File, RejectsTruncatedFile) {
  auto path = TempPath("truncated.h5");
  {
    H5File file(path, H5File::Mode::kCreate);
    std::vector<float> big(100000, 1.0f);
    file.WriteVector("big", big);
    file.Close();
  }
  std::filesystem::resize_file(path, 1000);
  EXPECT_THROW(
      {
        H5File file(path, H5File::Mode::kReadOnly);
        file.Read("big");
      },
      H5Error);
}

}  // namespace
}  // namespace xstilts
