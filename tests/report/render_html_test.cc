#include "report/render_html.h"

#include <gtest/gtest.h>

#include "tests/report/test_study.h"

namespace xstilts {
namespace {

TEST(RenderHtml, SelfContainedWithoutScriptsOrUrls) {
  const std::string html = RenderHtml(MakeTestStudy());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>\n", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);
  EXPECT_EQ(html.find("url("), std::string::npos);
  // The only URL is the SVG namespace: one scatter plot and one heat map per model.
  const std::string xmlns = "<svg xmlns=\"http://www.w3.org/2000/svg\"";
  EXPECT_EQ(CountOccurrences(html, xmlns), 3u);
  EXPECT_EQ(CountOccurrences(html, "http"), 3u);
  EXPECT_EQ(CountOccurrences(html, "<svg"), 3u);
  EXPECT_EQ(CountOccurrences(html, "</svg>"), 3u);
}

TEST(RenderHtml, HasTheTablesAndPlots) {
  const std::string html = RenderHtml(MakeTestStudy());
  EXPECT_NE(html.find("<tr><td>xlmr</td><td>mnli</td><td class=\"num\">1</td><td class=\"num\">72.0</td>"
                      "<td class=\"num\">78.7</td><td class=\"num\">75.3</td><td class=\"num\">+0.3</td>"
                      "<td class=\"num\">-</td></tr>"),
            std::string::npos);
  EXPECT_NE(html.find("<th class=\"num\">Δ avg</th>"), std::string::npos);
  EXPECT_NE(html.find("<h3>panx (f1)</h3>"), std::string::npos);
  EXPECT_NE(html.find("<h3>monolingual models</h3>"), std::string::npos);
  EXPECT_EQ(CountOccurrences(html, "<table>"), 1u + 2 + 2 + 1);  // summary, targets, efficiency, compute
  EXPECT_EQ(CountOccurrences(html, "<rect class=\"cell\""), 12u);  // 2 models x 3 languages x 2 targets
  EXPECT_EQ(CountOccurrences(html, "class=\"pareto-point\""), 2u);
}

TEST(RenderHtml, EscapesUserText) {
  Study study = MakeTestStudy();
  RenameModel(study, "roberta", "<b>&");
  study.title = "A & B <i>";
  const std::string html = RenderHtml(study);
  EXPECT_EQ(html.find("<b>"), std::string::npos);
  EXPECT_EQ(html.find("<i>"), std::string::npos);
  EXPECT_NE(html.find("<title>A &amp; B &lt;i&gt;</title>"), std::string::npos);
  EXPECT_NE(html.find("<td>&lt;b&gt;&amp;</td><td>none (baseline)</td>"), std::string::npos);
  EXPECT_NE(html.find(">&lt;b&gt;&amp; / mnli</text>"), std::string::npos);  // scatter label
}

TEST(RenderHtml, Deterministic) {
  EXPECT_EQ(RenderHtml(MakeTestStudy()), RenderHtml(MakeTestStudy()));
}

}  // namespace
}  // namespace xstilts
