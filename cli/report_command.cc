// xstilts report: the report of a pipeline's finished results, written to a folder.
#include <cstdio>

#include "base/input_error.h"
#include "cli/commands.h"
#include "engine/lineage.h"
#include "report/report_files.h"
#include "report/study_from_lineage.h"

namespace xstilts {

int ReportCommand(const ReportOptions& options) {
  int exit_code = 0;
  std::optional<Session> session = OpenSession(options, exit_code);
  if (!session) return exit_code;
  PlanOptions plan_options;
  plan_options.verify_inputs = false;
  std::optional<Plan> plan = PlanSession(*session, plan_options, exit_code);
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
  for (size_t i : candidates) {
    if (plan->nodes[i].state == NodeState::kCached) {
      done.push_back(i);
    } else {
      missing += (missing.empty() ? "" : ", ") + pipeline.nodes[i].name;
    }
  }
  if (done.empty()) {
    std::fprintf(stderr, "error: %s has no finished results yet (%s): run it first\n", pipeline.file.c_str(),
                 candidates.empty() ? "it has no evaluate or retrieve node" : missing.c_str());
    return 1;
  }
  if (!missing.empty()) std::fprintf(stderr, "note: not run yet, left out of the report: %s\n", missing.c_str());
  StudyInput input;
  input.lineage = BuildLineage(pipeline, *plan, *session->store, done, {});
  for (size_t i : done) input.results.push_back(pipeline.nodes[i].name);
  try {
    const Study study = BuildStudy(input, study_options);
    for (const auto& path : WriteReportFiles(study, options.out)) std::printf("%s\n", path.string().c_str());
  } catch (const InputError& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
  return 0;
}

}  // namespace xstilts
