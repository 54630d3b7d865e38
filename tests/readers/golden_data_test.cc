// The malformed-data corpus: every file under tests/golden/invalid_data/<format>/ must fail to
// read with exactly the message in <file>.expected next to it (paths relative to invalid_data/).
// Set XSTILTS_UPDATE_GOLDEN=1 to rewrite the .expected files (then review the diff).
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/input_error.h"
#include "data/readers/read_dataset.h"
#include "tests/golden_files.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

using testing::ReadText;

std::string ReplaceAll(std::string text, const std::string& from, const std::string& to) {
  for (size_t i = 0; (i = text.find(from, i)) != std::string::npos; i += to.size()) text.replace(i, from.size(), to);
  return text;
}

TEST(GoldenData, EveryMalformedFileGetsItsWholeMessage) {
  const fs::path root = fs::path(XSTILTS_SOURCE_DIR) / "tests/golden/invalid_data";
  const bool update = std::getenv("XSTILTS_UPDATE_GOLDEN") != nullptr;
  std::vector<fs::path> cases;
  for (const auto& entry : fs::recursive_directory_iterator(root)) {
    if (entry.is_regular_file() && entry.path().extension() != ".expected") cases.push_back(entry.path());
  }
  std::sort(cases.begin(), cases.end());
  ASSERT_GE(cases.size(), 8u) << "the malformed-data corpus shrank";
  for (const fs::path& file : cases) {
    const std::string format = file.parent_path().filename().string();
    std::string message = "(read without an error)";
    try {
      (void)ReadDataset(format, file);
    } catch (const InputError& e) {
      message = ReplaceAll(e.what(), root.string() + "/", "");
    }
    const fs::path expected_path = file.string() + ".expected";
    if (update) {
      std::ofstream(expected_path, std::ios::binary) << message << "\n";
      continue;
    }
    EXPECT_EQ(message + "\n", ReadText(expected_path)) << file.lexically_relative(root);
  }
}

}  // namespace
}  // namespace xstilts
