// report: the efficiency report of a study as a cached node (report/, docs/report.md).
#include <fmt/format.h>

#include <unistd.h>

#include <filesystem>
#include <map>
#include <vector>

#include "base/child_path.h"
#include "base/input_error.h"
#include "data/file_bundle.h"
#include "graph/registry.h"
#include "nodes/estimate/cost_estimate.h"
#include "report/report_files.h"
#include "report/study_from_lineage.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// reports/<node>/latest -> <variant>, replaced atomically (a new link renamed over the old one).
void PointLatestAt(const fs::path& reports, const std::string& variant) {
  const fs::path link = reports / "latest";
  const fs::path fresh = reports / (".latest." + std::to_string(::getpid()));
  std::error_code ec;
  fs::remove(fresh, ec);
  fs::create_directory_symlink(variant, fresh, ec);
  if (!ec) fs::rename(fresh, link, ec);
  if (ec) fs::remove(fresh, ec);  // a file system without links: the key folders are still there
}

void RunReport(NodeContext& ctx) {
  StudyInput input;
  input.lineage = ctx.lineage();
  CostEstimateOptions estimate_options;
  estimate_options.pipeline_dir = ctx.base_dir();
  input.projected_flops = ProjectedFlops(input.lineage, estimate_options);
  std::map<fs::path, std::string> by_entry;
  for (const LineageNode& n : input.lineage) by_entry[n.entry_dir] = n.name;
  for (const fs::path& artifact : ctx.inputs("results")) {
    auto it = by_entry.find(artifact.parent_path());
    if (it == by_entry.end()) throw std::runtime_error("report: no upstream node holds " + artifact.string());
    input.results.push_back(it->second);
  }
  StudyOptions options;
  options.title = ctx.params()["title"].get<std::string>();
  options.monolingual = ctx.params()["monolingual"].get<std::vector<std::string>>();
  const Study study = BuildStudy(input, options);
  const fs::path dir = ctx.scratch_dir() / "report";
  const std::vector<fs::path> written = WriteReportFiles(study, dir);
  PackFiles(dir, ctx.output("report"));
  // A human-facing copy next to the run logs (the artifact is the cached result): one folder per
  // key, so that the variants of a pipeline (--set) keep their own, and "latest" naming the last.
  const fs::path reports = ChildPath(ctx.run_dir() / "reports", ctx.node_name());
  const std::string variant = ctx.key().empty() ? "copy" : ctx.key().substr(0, 12);
  const fs::path copy = reports / variant;
  fs::create_directories(copy);
  for (const fs::path& file : written) fs::copy_file(file, copy / file.filename(), fs::copy_options::overwrite_existing);
  PointLatestAt(reports, variant);
  ctx.Log(fmt::format("{} results: {} models, {} intermediate tasks, {} targets, {} languages; {}/report.html",
                      input.results.size(), study.models.size(), study.intermediates.size(), study.targets.size(),
                      study.languages.size(), copy.string()));
}

NodeType MakeReportNodeType() {
  NodeType t;
  t.name = "report";
  t.summary = "The study's answer: per-language scores and gains of each intermediate task over the same model "
              "without one, an XTREME-style summary, compute per point gained for multilingual and monolingual "
              "models, a compute-vs-gain plot and a language x task heat map (report.md, report.csv, report.html).";
  t.example = R"(report:
  type: report
  inputs: {results: ["eval_*", "tatoeba_*"]}
  params: {title: "XLM-R vs RoBERTa", monolingual: [roberta]})";
  t.version = 2;  // 2: replicates, intervals, projected compute, per-key copies
  t.inputs = {PortSpec{"results", "metrics", "evaluate / retrieve metrics; each is placed by the nodes upstream of it "
                                             "(docs/report.md)", false, true}};
  t.outputs = {PortSpec{"report", "files", "report.md, report.csv and report.html (also copied to "
                                           "runs/<pipeline>/reports/<node>/<key>/ in the cache, with "
                                           "a `latest` link)"}};
  t.params = {
      ParamSpec{"title", ParamType::kString, "Intermediate-task training: gains and compute", "the report's title"},
      ParamSpec{"monolingual", ParamType::kStringList, nlohmann::json::array(),
                "model variants (names of the root model nodes: import_hf, pretrain_mlm, ...) that are monolingual; "
                "the others count as multilingual"},
  };
  t.resources.threads = 1;
  t.reads_lineage = true;
  t.run = RunReport;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeReportNodeType);

}  // namespace xstilts
