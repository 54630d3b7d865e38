// xstilts: command-line entry point. Parses arguments and calls the commands (cli/commands.h).
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

#include "base/closest_match.h"
#include "base/messages.h"
#include "base/version.h"
#include "cli/command_line.h"
#include "cli/commands.h"
#include "eval/score_command.h"

namespace {

std::atomic<bool> g_cancel{false};
std::atomic<bool> g_time_warning{false};

void OnInterrupt(int) {
  if (g_cancel.exchange(true)) _exit(130);  // a second Ctrl-C: leave now (temp files are cleaned next run)
  const char message[] = "\ninterrupted: stopping running nodes (Ctrl-C again to quit at once)\n";
  (void)!write(STDERR_FILENO, message, sizeof(message) - 1);
}

// SIGUSR1, for `run-node`: Slurm's warning that the job's time ends soon (sbatch --signal).
void OnTimeWarning(int) {
  g_time_warning = true;
  g_cancel = true;
}

// Looks at the command word and --color before CLI11 parses: a word that names no command is a
// typo of one (CLI11 alone says "A subcommand is required"), reported in the chosen colours.
// Sets `color` from the arguments and chooses the colours; false after reporting an unknown command.
bool CommandWordIsKnown(int argc, char** argv, CLI::App& app, std::string& color) {
  const char* command_word = nullptr;
  for (int i = 1; i < argc && command_word == nullptr; ++i) {
    const std::string arg = argv[i];
    if (arg.rfind("--color=", 0) == 0) color = arg.substr(8);
    else if (arg == "--color" && i + 1 < argc) color = argv[++i];
    else if (arg.empty() || arg[0] != '-') command_word = argv[i];
  }
  xstilts::ColorChoice choice = xstilts::ColorChoice::kAuto;
  xstilts::ParseColorChoice(color, choice);
  xstilts::ChooseColor(choice);
  if (command_word == nullptr) return true;
  std::vector<std::string> names;
  for (const CLI::App* command : app.get_subcommands({})) names.push_back(command->get_name());
  if (std::find(names.begin(), names.end(), command_word) != names.end()) return true;
  std::string match = xstilts::ClosestMatch(command_word, names);
  for (const CLI::App* command : app.get_subcommands({})) {  // `gc` is `cache gc`
    for (const CLI::App* sub : command->get_subcommands({})) {
      if (sub->get_name() == command_word) match = command->get_name() + " " + sub->get_name();
    }
  }
  std::string known;
  for (const std::string& name : names) known += (known.empty() ? "" : ", ") + name;
  xstilts::PrintError("unknown command '" + std::string(command_word) + "'" +
                      (match.empty() ? "" : "; did you mean '" + match + "'?") + "\n  commands: " + known +
                      " (xstilts --help says more)");
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  // LibTorch's OpenMP threads and OpenBLAS's threads spin against each other on few cores; passive
  // waiting made a training step 1.2-1.6x faster on 2 cores. It must be set before OpenMP loads,
  // which happens when the LibTorch node module is first opened. A user's own setting wins.
  setenv("OMP_WAIT_POLICY", "PASSIVE", 0);
  CLI::App app{"xstilts: YAML pipelines of ML experiments, run as oneTBB flow graphs over a content-addressed HDF5 cache"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "xstilts " XSTILTS_VERSION);
  std::string color = "auto";
  app.add_option("--color", color, "colour: auto (on a terminal, unless NO_COLOR is set), always or never")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.fallthrough();  // --color also after the command's name

  const xstilts::RunCommandLine run(app);
  const xstilts::RunNodeCommandLine run_node(app);

  xstilts::PipelineOptions status;
  bool status_json = false;
  CLI::App* status_cmd = app.add_subcommand("status", "show each node as cached or stale, with reasons");
  xstilts::AddPipelineOptions(status_cmd, status);
  status_cmd->add_flag("--json", status_json, "print JSON");

  xstilts::PipelineOptions explain;
  std::string explain_node;
  CLI::App* explain_cmd = app.add_subcommand("explain", "say what changed in a node's key since it was last built");
  xstilts::AddPipelineOptions(explain_cmd, explain);
  explain_cmd->add_option("node", explain_node, "node name")->required();

  xstilts::PipelineOptions graph;
  std::string format = "dot";
  CLI::App* graph_cmd = app.add_subcommand("graph", "print the pipeline's DAG");
  xstilts::AddPipelineOptions(graph_cmd, graph);
  graph_cmd->add_option("--format", format, "dot, mermaid or json")->check(CLI::IsMember({"dot", "mermaid", "json"}));

  xstilts::ReportOptions report;
  CLI::App* report_cmd = app.add_subcommand("report", "write the study's report (Markdown, CSV, HTML) from finished results");
  xstilts::AddPipelineOptions(report_cmd, report);
  report_cmd->add_option("--out", report.out, "output folder (default: report)");

  const xstilts::EstimateCommandLine estimate(app);
  const xstilts::ExportCommandLine export_command(app);

  std::string node_type;
  bool markdown = false;
  CLI::App* nodes_cmd = app.add_subcommand("nodes", "list node types, or describe one");
  nodes_cmd->add_option("type", node_type, "node type to describe");
  nodes_cmd->add_flag("--markdown", markdown, "print the node reference as Markdown");
  app.add_subcommand("schema", "print the JSON Schema of pipeline files (for editors)");

  xstilts::ScoreOptions score;
  CLI::App* score_cmd = app.add_subcommand("score", "score XTREME submission files as XTREME's evaluate.py does");
  score_cmd->add_option("--task", score.task, "xnli, pawsx, udpos, panx, xquad, mlqa, tydiqa, bucc2018, tatoeba or all")
      ->required();
  score_cmd->add_option("--predictions", score.predictions, "folder with <task>/test-<lang>.{tsv,json}")->required();
  score_cmd->add_option("--labels", score.labels, "folder with the gold files in the same layout")->required();
  std::string seqeval = xstilts::SeqevalVersionName(score.seqeval);
  score_cmd
      ->add_option("--seqeval", seqeval,
                   "the seqeval release whose tag reading scores panx and udpos: 0.0.12 (default; "
                   "what XTREME's evaluate_test.py expects) or 1.2.2 (the current seqeval)")
      ->check(CLI::IsMember(xstilts::SeqevalVersionNames()));
  score_cmd->add_flag("--json", score.json, "print one JSON object");

  const xstilts::CacheCommandLine cache(app);

  if (!CommandWordIsKnown(argc, argv, app, color)) return 2;
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  xstilts::ColorChoice color_choice = xstilts::ColorChoice::kAuto;
  if (xstilts::ParseColorChoice(color, color_choice)) xstilts::ChooseColor(color_choice);
  std::signal(SIGINT, OnInterrupt);
  std::signal(SIGTERM, OnInterrupt);
  if (run.chosen()) return run.Run(&g_cancel);
  if (run_node.chosen()) {
    std::signal(SIGUSR1, OnTimeWarning);
    return run_node.Run(&g_cancel, &g_time_warning);
  }
  if (app.got_subcommand(status_cmd)) return xstilts::StatusCommand(status, status_json);
  if (app.got_subcommand(explain_cmd)) return xstilts::ExplainCommand(explain, explain_node);
  if (app.got_subcommand(graph_cmd)) return xstilts::GraphCommand(graph, format);
  if (app.got_subcommand(nodes_cmd)) return xstilts::NodesCommand(node_type, markdown);
  if (app.got_subcommand("schema")) return xstilts::SchemaCommand();
  if (app.got_subcommand(report_cmd)) return xstilts::ReportCommand(report);
  if (estimate.chosen()) return estimate.Run();
  if (app.got_subcommand(score_cmd)) {
    score.seqeval = *xstilts::ParseSeqevalVersion(seqeval);  // IsMember checked the name
    return xstilts::RunScore(score, std::cout, std::cerr);
  }
  if (cache.chosen()) return cache.Run(&g_cancel);
  if (export_command.chosen()) return export_command.Run();
  return 2;
}
