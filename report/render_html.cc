#include "report/render_html.h"

#include "report/formatting.h"
#include "report/report_tables.h"
#include "report/svg_plots.h"

namespace xstilts {
namespace {

const char kStyle[] = R"(<style>
body { font-family: sans-serif; margin: 2em auto; max-width: 72em; padding: 0 1em; color: #111; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; }
th { background: #f2f2f2; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1em 0; }
figcaption { color: #444; font-size: 0.9em; }
.maps { display: flex; flex-wrap: wrap; gap: 1em; }
</style>
)";

void AppendTable(const ReportTable& table, std::string& out) {
  out += "<table>\n<thead><tr>";
  for (size_t i = 0; i < table.header.size(); ++i) {
    out += table.numeric[i] ? "<th class=\"num\">" : "<th>";
    out += EscapeXml(table.header[i]) + "</th>";
  }
  out += "</tr></thead>\n<tbody>\n";
  for (const auto& row : table.rows) {
    out += "<tr>";
    for (size_t i = 0; i < row.size(); ++i) {
      out += table.numeric[i] ? "<td class=\"num\">" : "<td>";
      out += EscapeXml(row[i]) + "</td>";
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
}

void AppendParagraph(const std::string& text, std::string& out) { out += "<p>" + EscapeXml(text) + "</p>\n"; }

}  // namespace

std::string RenderHtml(const Study& study) {
  const std::string title = EscapeXml(study.title.empty() ? kDefaultTitle : study.title);
  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>" + title +
                    "</title>\n" + kStyle + "</head>\n<body>\n<h1>" + title + "</h1>\n";
  AppendParagraph(SummaryParagraph(study), out);

  out += "<h2>Summary</h2>\n";
  AppendParagraph(kSummaryNote, out);
  AppendTable(SummaryTable(study), out);

  out += "<h2>Per target task</h2>\n";
  for (const std::string& target : study.targets) {
    out += "<h3>" + EscapeXml(TargetHeading(study, target)) + "</h3>\n";
    AppendParagraph(kTargetNote, out);
    AppendTable(TargetTable(study, target), out);
  }

  out += "<h2>Efficiency</h2>\n";
  AppendParagraph(kEfficiencyNote, out);
  out += "<figure>\n" + RenderGainScatterSvg(study) + "\n<figcaption>" + EscapeXml(kScatterCaption) +
         "</figcaption>\n</figure>\n";
  for (ModelGroup group : {ModelGroup::kMultilingual, ModelGroup::kMonolingual}) {
    out += std::string("<h3>") + ModelGroupName(group) + " models</h3>\n";
    const ReportTable table = EfficiencyTable(study, group);
    if (table.rows.empty()) {
      AppendParagraph("No results.", out);
    } else {
      AppendTable(table, out);
    }
  }

  out += "<h2>Gains by language</h2>\n";
  AppendParagraph(kHeatMapNote, out);
  out += "<div class=\"maps\">\n";
  for (const std::string& model : study.models) {
    out += "<figure>\n" + RenderGainHeatMapSvg(study, model) + "\n</figure>\n";
  }
  out += "</div>\n";

  out += "<h2>Compute</h2>\n";
  AppendParagraph(kComputeNote, out);
  AppendTable(ComputeTable(study), out);
  out += "</body>\n</html>\n";
  return out;
}

}  // namespace xstilts
