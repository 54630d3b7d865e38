#include "report/report_files.h"

#include <fstream>
#include <stdexcept>

#include "report/render_csv.h"
#include "report/render_html.h"
#include "report/render_markdown.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

fs::path WriteWhole(const fs::path& path, const std::string& text) {
  const fs::path tmp = path.string() + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw std::runtime_error("cannot write " + path.string());
    }
  }
  fs::rename(tmp, path);
  return path;
}

}  // namespace

std::vector<fs::path> WriteReportFiles(const Study& study, const fs::path& dir) {
  fs::create_directories(dir);
  return {WriteWhole(dir / "report.md", RenderMarkdown(study)), WriteWhole(dir / "report.csv", RenderCsv(study)),
          WriteWhole(dir / "report.html", RenderHtml(study))};
}

}  // namespace xstilts
