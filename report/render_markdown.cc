#include "report/render_markdown.h"

#include "report/formatting.h"
#include "report/report_tables.h"

namespace xstilts {
namespace {

void AppendTable(const ReportTable& table, std::string& out) {
  auto line = [&out](const std::vector<std::string>& cells) {
    out += '|';
    for (const std::string& cell : cells) out += " " + EscapeMarkdownCell(cell) + " |";
    out += '\n';
  };
  line(table.header);
  out += '|';
  for (size_t i = 0; i < table.header.size(); ++i) out += table.numeric[i] ? "---:|" : "---|";
  out += '\n';
  for (const auto& row : table.rows) line(row);
  out += '\n';
}

}  // namespace

std::string RenderMarkdown(const Study& study) {
  std::string out = "# " + EscapeMarkdownCell(study.title.empty() ? kDefaultTitle : study.title);
  out += "\n\n" + EscapeMarkdownCell(SummaryParagraph(study)) + "\n\n";

  out += "## Summary\n\n";
  out += std::string(kSummaryNote) + "\n\n";
  AppendTable(SummaryTable(study), out);

  out += "## Per target task\n\n";
  for (const std::string& target : study.targets) {
    out += "### " + EscapeMarkdownCell(TargetHeading(study, target));
    out += "\n\n" + std::string(kTargetNote) + "\n\n";
    AppendTable(TargetTable(study, target), out);
  }

  out += "## Efficiency\n\n";
  out += std::string(kEfficiencyNote) + "\n\n";
  for (ModelGroup group : {ModelGroup::kMultilingual, ModelGroup::kMonolingual}) {
    out += std::string("### ") + ModelGroupName(group) + " models\n\n";
    const ReportTable table = EfficiencyTable(study, group);
    if (table.rows.empty()) {
      out += "No results.\n\n";
    } else {
      AppendTable(table, out);
    }
  }

  out += "## Compute\n\n";
  out += std::string(kComputeNote) + "\n\n";
  AppendTable(ComputeTable(study), out);
  out.pop_back();  // one newline at the end of the file
  return out;
}

}  // namespace xstilts
