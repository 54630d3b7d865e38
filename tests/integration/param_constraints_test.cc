// Parameter constraints are checked when the pipeline loads: every violation is reported at once
// with its place, the exit code is 2, and nothing runs or is cached.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "tests/integration/cli_harness.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

TEST(ParamConstraints, ViolationsAreReportedTogetherBeforeAnythingRuns) {
  CliHarness h("param_constraints");
  h.Write("p.yaml", R"(nodes:
  first:
    type: exec
    params: {cmd: ["sh", "-c", "touch ran; echo > $XSTILTS_OUT/a.txt"]}
  empty_command:
    type: exec
    params: {cmd: []}
  spm:
    type: tokenizer
    params: {path: missing.model}
  model:
    type: init_model
    inputs: {tokenizer: spm}
    params: {layers: 2, hidden: 30, heads: 4, ffn: 64}
  no_layers:
    type: init_model
    inputs: {tokenizer: spm}
    params: {layers: 0}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("p.yaml:7:19: error: parameter 'cmd' of node 'empty_command' must be non-empty; got []"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("p.yaml:14:33: error: node 'model': hidden (30) must be a multiple of heads (4)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("p.yaml:18:22: error: parameter 'layers' of node 'no_layers' must be at least 1; got 0"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("3 errors"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(h.dir() / "ran"));
  EXPECT_FALSE(fs::exists(h.cache() / "entries"));
}

TEST(ParamConstraints, UnknownLanguageCodesAreRefusedAtLoad) {
  CliHarness h("language_codes");
  h.Write("p.yaml", R"(nodes:
  corpus:
    type: dataset
    params: {format: xnli, path: dev.tsv, language: englsh}
  english:
    type: select_examples
    inputs: {examples: corpus}
    params: {languages: [en, pt_BR, zh-CN, xx]}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("node 'corpus': language: unknown language 'englsh' (an ISO 639-1 code such as en, de or "
                       "zh, optionally with a region: pt_BR)"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("node 'english': languages: unknown language 'xx'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("'pt_BR'"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find("'zh-CN'"), std::string::npos) << r.err;
}

// evaluate's `seqeval` names a seqeval release. Like every param it is part of the cache key with
// its default filled in, so leaving it out and writing the default give the same key.
TEST(ParamConstraints, EvaluateSeqevalDefaultKeepsTheKey) {
  CliHarness h("evaluate_seqeval");
  h.Write("f.txt", "a\n");
  const std::string nodes = R"(nodes:
  spm: {type: tokenizer, params: {path: f.txt}}
  init: {type: init_model, inputs: {tokenizer: spm}, params: {layers: 2, hidden: 32, heads: 2, ffn: 64}}
  tags: {type: dataset, params: {format: panx, path: f.txt}}
  tok: {type: tokenize, inputs: {examples: tags, tokenizer: spm}}
  unset: {type: evaluate, inputs: {model: init, tokens: tok}}
  old: {type: evaluate, inputs: {model: init, tokens: tok}, params: {seqeval: "0.0.12"}}
  new: {type: evaluate, inputs: {model: init, tokens: tok}, params: {seqeval: "1.2.2"}}
)";
  h.Write("p.yaml", nodes);
  CliResult r = h.Run({"status", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json status = nlohmann::json::parse(r.out);
  std::map<std::string, std::string> keys;
  for (const auto& node : status["nodes"]) keys[node["name"]] = node["key"];
  ASSERT_EQ(keys.size(), 7u) << r.out;
  EXPECT_EQ(keys.at("unset"), keys.at("old"));
  EXPECT_NE(keys.at("unset"), keys.at("new"));

  h.Write("p.yaml", nodes + R"(  typo: {type: evaluate, inputs: {model: init, tokens: tok}, params: {seqeval: "1.2"}}
)");
  r = h.Run({"status", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_NE(r.err.find("parameter 'seqeval' of node 'typo' must be one of 0.0.12, 1.2.2; got '1.2'"), std::string::npos)
      << r.err;
}

TEST(ParamConstraints, SchemaCarriesTheRanges) {
  CliHarness h("schema_ranges");
  CliResult r = h.Run({"schema"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("\"minimum\": 1"), std::string::npos);
  EXPECT_NE(r.out.find("\"exclusiveMinimum\": 0"), std::string::npos);
  EXPECT_NE(r.out.find("\"minItems\": 1"), std::string::npos);
}

}  // namespace
}  // namespace xstilts

namespace xstilts {
namespace {

// A typo in an enum value is one mistake: one error, with the suggestion, and no second one about
// the param being missing or the downstream node's input.
TEST(ParamConstraints, AnEnumTypoIsOneError) {
  CliHarness h("enum_typo");
  h.Write("p.yaml", R"(nodes:
  dev:
    type: dataset
    params:
      format: xnl
      path: dev.tsv
  english:
    type: select_examples
    inputs: {examples: dev}
    params: {languages: [en]}
)");
  CliResult r = h.Run({"run", "p.yaml"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err,
            "p.yaml:5:15: error: parameter 'format' of node 'dev' must be one of anli, bucc2018, ccg, commonsenseqa, "
            "conllu, cosmosqa, gettext, hellaswag, mlqa, mnli, panx, pawsx, pawsx_raw, qqp, squad, sst2, tatoeba, "
            "text, tydiqa, udpos, xnli, xnli_jsonl, xnli_raw, xnli_translate_train, xquad; got 'xnl'; did you mean 'xnli'?\n"
            "        format: xnl\n"
            "                ^\n");
}

}  // namespace
}  // namespace xstilts
