// The report of a pipeline and of its --set variant on one cache: each keeps its own copy under
// runs/, and `xstilts report` counts as reused what the run that finished the results took from the
// cache (what an earlier run built), not everything.
#include <cstdio>
#include <filesystem>
#include <string>

#include <gtest/gtest.h>

#include "data/artifact_store.h"
#include "tests/integration/cli_harness.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

// The "reused" row of report.md's compute table: its last cell, the number of nodes.
std::string ReusedNodes(const std::string& markdown) {
  const size_t row = markdown.find("\n| reused |");
  if (row == std::string::npos) return "<no reused row>";
  const size_t end = markdown.find('\n', row + 1);
  const std::string line = markdown.substr(row + 1, end - row - 1);
  const size_t last = line.rfind(" | ", line.size() - 3);
  return line.substr(last + 3, line.size() - last - 5);
}

TEST(ReportVariants, EachVariantKeepsItsReportAndReusedIsWhatItsRunTookFromTheCache) {
  XSTILTS_SHARED_DATA_OR_SKIP(en, "xnli/xtreme/dev-en.tsv");
  CliHarness h("report_variants");
  h.Write("p.yaml",
          "vars: {lr: 1.0e-3}\n"
          "nodes:\n"
          "  en:\n"
          "    type: dataset\n"
          "    params: {format: xnli, path: " + en.string() + ", limit: 120}\n"
          "  spm:\n"
          "    type: train_tokenizer\n"
          "    inputs: {corpus: en}\n"
          "    params: {model_type: bpe, vocab_size: 500}\n"
          "  tok:\n"
          "    type: tokenize\n"
          "    inputs: {examples: en, tokenizer: spm}\n"
          "    params: {max_length: 64}\n"
          "  init:\n"
          "    type: init_model\n"
          "    inputs: {tokenizer: spm}\n"
          "    params: {layers: 1, hidden: 16, heads: 2, ffn: 32, max_positions: 70, seed: 1}\n"
          "  cls:\n"
          "    type: train\n"
          "    inputs: {model: init, train: tok}\n"
          "    params: {steps: 4, batch_size: 16, lr: \"${lr}\", device: cpu}\n"
          "  eval:\n"
          "    type: evaluate\n"
          "    inputs: {model: cls, tokens: tok}\n"
          "    params: {device: cpu}\n"
          "  report:\n"
          "    type: report\n"
          "    inputs: {results: eval}\n");
  ASSERT_EQ(h.Run({"run", "p.yaml"}).exit_code, 0);
  CliResult variant = h.Run({"run", "p.yaml", "--set", "vars.lr=3.0e-4", "--json"});
  ASSERT_EQ(variant.exit_code, 0) << variant.err;
  EXPECT_EQ(variant.Statuses()["init"], "cached");
  EXPECT_EQ(variant.Statuses()["cls"], "ran");

  // Two report folders, one per key, and `latest` naming the variant's.
  const fs::path reports = h.cache() / "runs" / ArtifactStore::PipelineId(h.dir() / "p.yaml") / "reports" / "report";
  int folders = 0;
  for (const auto& entry : fs::directory_iterator(reports)) {
    if (entry.is_directory() && !entry.is_symlink()) ++folders;
  }
  EXPECT_EQ(folders, 2);
  std::string variant_key;
  const nlohmann::json run = variant.Json();
  for (const auto& n : run["nodes"]) {
    if (n["name"] == "report") variant_key = n["key"].get<std::string>().substr(0, 12);
  }
  ASSERT_TRUE(fs::is_symlink(reports / "latest"));
  EXPECT_EQ(fs::read_symlink(reports / "latest").string(), variant_key);
  EXPECT_TRUE(fs::exists(reports / "latest" / "report.html"));

  // The variant's run built cls, eval (and the report); the other 4 nodes behind the result came
  // from the first run. The report node said so, and `xstilts report` now says the same.
  const std::string from_node = h.Read(fs::relative(reports / variant_key / "report.md", h.dir()).string());
  EXPECT_EQ(ReusedNodes(from_node), "4") << from_node;
  ASSERT_EQ(h.Run({"report", "p.yaml", "--set", "vars.lr=3.0e-4", "--out", "out"}).exit_code, 0);
  const std::string from_command = h.Read("out/report.md");
  EXPECT_EQ(ReusedNodes(from_command), "4") << from_command;
  // Next to the recorded PFLOP, what the estimate projected for the same nodes: within 20%.
  const size_t total = from_command.find("\n| total | ");
  ASSERT_NE(total, std::string::npos) << from_command;
  double recorded = 0;
  double projected = 0;
  ASSERT_EQ(std::sscanf(from_command.c_str() + total, "\n| total | %lf | %lf |", &recorded, &projected), 2)
      << from_command.substr(total, 80);
  EXPECT_GT(recorded, 0);
  EXPECT_NEAR(projected, recorded, 0.2 * recorded);
}

}  // namespace
}  // namespace xstilts
