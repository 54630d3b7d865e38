#include "base/child_path.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace xstilts {
namespace {

TEST(ChildPath, KeepsOneComponentInsideItsFolder) {
  EXPECT_EQ(ChildPath("/cache/runs", "eval_xnli.json"), std::filesystem::path("/cache/runs/eval_xnli.json"));
  EXPECT_EQ(ChildPath("/cache/runs", ".hidden"), std::filesystem::path("/cache/runs/.hidden"));
  for (const std::string& bad : std::vector<std::string>{"", ".", "..", "../../etc/evil", "a/b", std::string("a\0b", 3)}) {
    EXPECT_THROW(ChildPath("/cache/runs", bad), std::runtime_error) << bad;
  }
  try {
    ChildPath("/cache/reports", "../../elsewhere");
    FAIL() << "no exception";
  } catch (const std::runtime_error& e) {
    EXPECT_EQ(std::string(e.what()), "refusing the name '../../elsewhere' as a file name inside /cache/reports");
  }
}

}  // namespace
}  // namespace xstilts
