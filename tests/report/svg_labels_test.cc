#include "report/svg_labels.h"

#include <gtest/gtest.h>

namespace xstilts {
namespace {

constexpr double kFont = 10;
const LabelBox kFrame{0, 0, 400, 300};

LabelBox BoxOf(const PlacedLabel& label, double width) {
  return {label.anchor_end ? label.x - width : label.x, label.y - 0.8 * kFont,
          label.anchor_end ? label.x : label.x + width, label.y + 0.25 * kFont};
}

bool Overlaps(const LabelBox& a, const LabelBox& b) {
  return std::min(a.right, b.right) > std::max(a.left, b.left) && std::min(a.bottom, b.bottom) > std::max(a.top, b.top);
}

bool Inside(const LabelBox& box) {
  return box.left >= kFrame.left && box.right <= kFrame.right && box.top >= kFrame.top && box.bottom <= kFrame.bottom;
}

TEST(TextWidth, CountsCharactersNotBytes) {
  EXPECT_DOUBLE_EQ(TextWidth("abcd", 10), 24.0);
  EXPECT_DOUBLE_EQ(TextWidth("日本", 10), 12.0);  // 6 bytes, 2 characters
  EXPECT_DOUBLE_EQ(TextWidth("", 10), 0.0);
}

TEST(PlacePointLabels, CloseNeighboursGetLabelsThatDoNotOverlap) {
  // Four points within a few pixels of each other: each label takes a different side.
  const std::vector<std::pair<double, double>> points = {{200, 150}, {203, 152}, {198, 149}, {201, 147}};
  const std::vector<double> widths(points.size(), TextWidth("multilingual / squad", kFont));
  const std::vector<PlacedLabel> labels = PlacePointLabels(points, widths, kFont, kFrame);
  ASSERT_EQ(labels.size(), points.size());
  for (size_t i = 0; i < labels.size(); ++i) {
    EXPECT_TRUE(Inside(BoxOf(labels[i], widths[i]))) << i;
    for (size_t j = 0; j < i; ++j) EXPECT_FALSE(Overlaps(BoxOf(labels[i], widths[i]), BoxOf(labels[j], widths[j]))) << i << " " << j;
  }
}

TEST(PlacePointLabels, LabelsStayInsideTheFrameAtItsEdges) {
  const std::vector<std::pair<double, double>> points = {{395, 150}, {5, 5}, {5, 295}};
  const std::vector<double> widths(points.size(), 80.0);
  const std::vector<PlacedLabel> labels = PlacePointLabels(points, widths, kFont, kFrame);
  EXPECT_TRUE(labels[0].anchor_end);  // at the right edge the text runs leftwards
  EXPECT_FALSE(labels[1].anchor_end);
  for (size_t i = 0; i < labels.size(); ++i) EXPECT_TRUE(Inside(BoxOf(labels[i], widths[i]))) << i;
  EXPECT_GT(labels[1].y, 5.0);  // at the top edge: below the point
  EXPECT_LT(labels[2].y, 295.0);
}

TEST(PlacePointLabels, ALoneLabelSitsAboveRightAndLabelsAvoidOtherMarkers) {
  const std::vector<double> width = {60.0};
  const PlacedLabel alone = PlacePointLabels({{100, 100}}, width, kFont, kFrame)[0];
  EXPECT_FALSE(alone.anchor_end);
  EXPECT_GT(alone.x, 100.0);
  EXPECT_LT(alone.y, 100.0);
  // A second marker just above right of the first: the first label moves elsewhere.
  const std::vector<PlacedLabel> two = PlacePointLabels({{100, 100}, {130, 93}}, {60.0, 60.0}, kFont, kFrame);
  EXPECT_FALSE(Overlaps(BoxOf(two[0], 60), LabelBox{124, 87, 136, 99}));
}

}  // namespace
}  // namespace xstilts
