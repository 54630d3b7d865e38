// report.html in a real browser (Debian's chromium, headless): it loads without errors, each plot
// is there and draws something, hover titles exist, and at a laptop's width nothing runs off the
// side. Screenshots are left in <build>/report-in-browser/ for people to look at.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "report/render_html.h"
#include "tests/report/test_study.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;

// Runs in the page: collects errors (script errors, failed loads, console.error) while it loads,
// then measures every <svg> and the page's width into <pre id="check"> as JSON.
const char kCheckScript[] = R"(<script>
var problems = [];
window.addEventListener('error', function (e) {
  problems.push(e.message || ('failed to load ' + (e.target && (e.target.src || e.target.href || e.target.tagName))));
}, true);
console.error = function () { problems.push(Array.prototype.join.call(arguments, ' ')); };
console.warn = console.error;
window.addEventListener('load', function () {
  var plots = [];
  document.querySelectorAll('svg').forEach(function (svg) {
    var box = svg.getBBox();
    plots.push({width: box.width, height: box.height, titles: svg.querySelectorAll('title').length,
                shapes: svg.querySelectorAll('rect, circle, path, line, polyline, text').length});
  });
  var out = document.createElement('pre');
  out.id = 'check';
  out.textContent = JSON.stringify({problems: problems, plots: plots,
                                    page_width: document.documentElement.scrollWidth, window_width: window.innerWidth});
  document.body.appendChild(out);
});
</script>)";

std::string Chromium() {
  for (const char* name : {"chromium", "chromium-browser", "google-chrome"}) {
    if (std::system((std::string("command -v ") + name + " > /dev/null 2>&1").c_str()) == 0) return name;
  }
  return "";
}

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(ReportInBrowser, LoadsCleanlyWithEveryPlotDrawnAtALaptopsWidth) {
  const std::string chromium = Chromium();
  if (chromium.empty()) GTEST_SKIP() << "chromium is not installed (scripts/install-deps.sh installs it)";
  const fs::path dir = fs::path(XSTILTS_BINARY_DIR) / "report-in-browser";
  fs::create_directories(dir);
  const std::string html = RenderHtml(MakeTestStudy());
  std::ofstream(dir / "report.html") << html;
  std::string checked = html;
  checked.insert(checked.find("<head>") + 6, kCheckScript);
  std::ofstream(dir / "report-checked.html") << checked;

  const std::string flags = " --headless --no-sandbox --disable-gpu --window-size=1280,800 --virtual-time-budget=5000 ";
  const std::string dump = chromium + flags + "--dump-dom 'file://" + (dir / "report-checked.html").string() + "' > '" +
                           (dir / "dom.html").string() + "' 2> '" + (dir / "chromium.log").string() + "'";
  ASSERT_EQ(std::system(dump.c_str()), 0) << ReadFile(dir / "chromium.log");
  const std::string dom = ReadFile(dir / "dom.html");
  const size_t start = dom.find("<pre id=\"check\">");
  ASSERT_NE(start, std::string::npos) << "the check did not run:\n" << dom.substr(0, 2000);
  const size_t from = start + std::string("<pre id=\"check\">").size();
  std::string text = dom.substr(from, dom.find("</pre>", from) - from);
  for (size_t at; (at = text.find("&quot;")) != std::string::npos;) text.replace(at, 6, "\"");
  for (size_t at; (at = text.find("&amp;")) != std::string::npos;) text.replace(at, 5, "&");
  const nlohmann::json check = nlohmann::json::parse(text);

  EXPECT_EQ(check["problems"], nlohmann::json::array()) << check.dump(2);
  // One scatter plot and one heat map per model, each drawn with a non-empty extent, with hover
  // titles on what it draws.
  ASSERT_EQ(check["plots"].size(), 3u) << check.dump(2);
  for (const nlohmann::json& plot : check["plots"]) {
    EXPECT_GT(plot["width"].get<double>(), 100) << plot.dump();
    EXPECT_GT(plot["height"].get<double>(), 50) << plot.dump();
    EXPECT_GT(plot["shapes"].get<int>(), 5) << plot.dump();
    EXPECT_GT(plot["titles"].get<int>(), 0) << plot.dump();
  }
  // At 1280 pixels nothing is wider than the window (no sideways scrolling).
  EXPECT_LE(check["page_width"].get<int>(), check["window_width"].get<int>()) << check.dump(2);

  const fs::path screenshot = dir / "report-1280.png";
  fs::remove(screenshot);
  const std::string shoot = chromium + " --headless --no-sandbox --disable-gpu --window-size=1280,2400 --screenshot='" +
                            screenshot.string() + "' 'file://" + (dir / "report.html").string() + "' 2>> '" +
                            (dir / "chromium.log").string() + "'";
  ASSERT_EQ(std::system(shoot.c_str()), 0) << ReadFile(dir / "chromium.log");
  ASSERT_TRUE(fs::exists(screenshot));
  EXPECT_GT(fs::file_size(screenshot), 20000u) << "a blank page compresses to a few kB";
}

}  // namespace
}  // namespace xstilts
