// xstilts report: the report of a pipeline's finished results, written to a folder.
#include <algorithm>
#include <cstdio>

#include "base/input_error.h"
#include "base/messages.h"
#include "cli/commands.h"
#include "engine/lineage.h"
#include "graph/cache_key.h"
#include "nodes/estimate/cost_estimate.h"
#include "report/report_files.h"
#include "report/study_from_lineage.h"

namespace xstilts {
namespace {

// The run that built an entry: its host and process, as the entry's record names them.
std::string Producer(const LineageNode& node) {
  const nlohmann::json producer = node.record.is_object() ? node.record.value("producer", nlohmann::json::object())
                                                          : nlohmann::json::object();
  return producer.value("host", "") + ":" + std::to_string(producer.value("pid", 0));
}

// `xstilts report` runs nothing, so every node would count as taken from the cache. What a reader
// wants is what the run that finished these results took from the cache: the nodes that another
// run built. That run is the producer of the most recently started result.
void MarkReusedByTheLatestRun(std::vector<LineageNode>& lineage, const std::vector<std::string>& results) {
  std::string latest_start;
  std::string latest_producer;
  for (const LineageNode& node : lineage) {
    if (std::find(results.begin(), results.end(), node.name) == results.end() || !node.record.is_object()) continue;
    const std::string started = node.record.value("started_at", "");
    if (latest_producer.empty() || started > latest_start) {
      latest_start = started;
      latest_producer = Producer(node);
    }
  }
  for (LineageNode& node : lineage) node.reused = Producer(node) != latest_producer;
}

}  // namespace

int ReportCommand(const ReportOptions& options) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  // A node whose local files are missing has no results yet, rather than stopping the report (the
  // projection below still covers it).
  std::optional<Plan> plan = PlanAsDryRun(*session, exit_code);
  if (!plan) return exit_code;
  const ResolvedPipeline& pipeline = session->pipeline;
  // A pipeline with a report node says which results and settings it wants; otherwise every
  // node with a metrics output is a result.
  StudyOptions study_options;
  std::vector<size_t> candidates;
  for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
    const ResolvedNode& node = pipeline.nodes[i];
    if (node.type->name != "report") continue;
    study_options.title = node.params["title"].get<std::string>();
    study_options.monolingual = node.params["monolingual"].get<std::vector<std::string>>();
    for (const ResolvedInput& in : node.inputs) {
      for (const InputRef& r : in.refs) candidates.push_back(r.node);
    }
    break;
  }
  if (candidates.empty()) {
    for (size_t i = 0; i < pipeline.nodes.size(); ++i) {
      if (pipeline.nodes[i].type->FindOutput("metrics") != nullptr) candidates.push_back(i);
    }
  }
  std::vector<size_t> done;
  std::string missing;
  size_t missing_count = 0;
  for (size_t i : candidates) {
    if (plan->nodes[i].state != NodeState::kCached) {
      missing += (missing.empty() ? "" : ", ") + pipeline.nodes[i].name;
      ++missing_count;
      continue;
    }
    // The report reads these entries' files: one only the remote has is downloaded (verified on
    // the way); a local one is checked against its checksums first, so that a damaged result is
    // left out rather than reported (the cache is not changed: report may run on a cache it
    // cannot write; the next run moves the entry aside and rebuilds it).
    const std::string& key = plan->nodes[i].key;
    if (!session->store->IsComplete(key)) {
      Status fetched = session->index->Verify(key);
      if (!fetched.ok()) {
        PrintWarning(pipeline.nodes[i].name + ": left out of the report: " + fetched.message());
        continue;
      }
    }
    std::optional<CacheEntry> entry = session->store->Lookup(key);
    Status verified = entry ? session->store->Verify(*entry) : Status::Error(ErrorKind::kNotFound, "the entry is gone");
    if (!verified.ok()) {
      PrintWarning(pipeline.nodes[i].name + ": cached result is damaged, left out of the report (`xstilts run` rebuilds it): " +
                   verified.message());
      continue;
    }
    done.push_back(i);
  }
  if (done.empty()) {
    const std::string why = candidates.empty()    ? "it has no evaluate or retrieve node"
                            : missing.empty()     ? "the cached ones are damaged"
                            : missing_count <= 8 ? missing
                                                  : "none of its " + std::to_string(missing_count) + " results has run";
    PrintError(pipeline.file + " has no finished results yet (" + why + "): run it first");
    if (!missing.empty()) {
      // The cost side of the answer does not need results: what `xstilts estimate` projects.
      PrintNote("what it will cost, projected before it runs (xstilts estimate; --device NAME there for GPU-hours):");
      EstimatePlannedCost(*session, *plan, EstimateOptions{});
    }
    return 1;
  }
  if (!missing.empty()) PrintNote("not run yet, left out of the report: " + missing);
  StudyInput input;
  input.lineage = BuildLineage(pipeline, *plan, *session->store, done, {},
                               [&](const std::string& key) { return session->index->RemoteManifest(key); });
  for (size_t i : done) input.results.push_back(pipeline.nodes[i].name);
  MarkReusedByTheLatestRun(input.lineage, input.results);
  CostEstimateOptions estimate_options;
  estimate_options.pipeline_dir = BaseDir(pipeline);
  input.projected_flops = ProjectedFlops(input.lineage, estimate_options);
  try {
    const Study study = BuildStudy(input, study_options);
    for (const auto& path : WriteReportFiles(study, options.out)) std::printf("%s\n", path.string().c_str());
  } catch (const InputError& e) {
    PrintError(e.what());
    return 2;
  } catch (const std::exception& e) {
    PrintError(e.what());
    return 1;
  }
  return 0;
}

}  // namespace xstilts
