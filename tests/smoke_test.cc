#include <gtest/gtest.h>

#include "base/status.h"

namespace xstilts {
namespace {

TEST(Status, CarriesKindAndContext) {
  Status s = Status::Error(ErrorKind::kIo, "disk full").WithContext("writing x.h5");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.kind(), ErrorKind::kIo);
  EXPECT_EQ(s.message(), "writing x.h5: disk full");
  EXPECT_TRUE(Status::Ok().ok());
}

}  // namespace
}  // namespace xstilts
