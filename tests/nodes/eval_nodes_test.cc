// evaluate and retrieve through the CLI on real benchmark files with tiny models.
#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "data/artifact_store.h"
#include "data/h5_file.h"
#include "tests/integration/cli_harness.h"
#include "tests/integration/nginx_server.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;
using testing::NginxServer;

// The metrics column `metric` by language.
std::map<std::string, double> MetricsOf(const fs::path& artifact, const std::string& metric) {
  H5File f(artifact, H5File::Mode::kReadOnly);
  EXPECT_EQ(f.GetStringAttribute("/", "kind"), "metrics");
  const std::vector<std::string> languages = f.ReadStrings("/languages");
  const std::vector<double> values = f.ReadVector<double>("/" + metric);
  std::map<std::string, double> out;
  for (size_t i = 0; i < languages.size() && i < values.size(); ++i) out[languages[i]] = values[i];
  return out;
}

const char kTinyModel[] = "    params: {layers: 2, hidden: 32, heads: 2, ffn: 64, max_positions: 130, seed: 1}\n";

// The same report from an empty local cache and a remote that has the pipeline's entries: the
// results are downloaded (verified), the rest is read from the manifests, and report.csv is the
// same as from the local cache.
void CheckTheReportFromARemote(const CliHarness& h) {
  NginxServer nginx(h.dir() / "server", "xstilts", "pw");
  ASSERT_TRUE(nginx.installed()) << "nginx is not installed (scripts/install-deps.sh installs it)";
  ASSERT_TRUE(nginx.running()) << h.Read("server.err");
  CliResult push = h.Run({"cache", "push", "p.yaml", "--remote", nginx.url()});
  ASSERT_EQ(push.exit_code, 0) << push.err;
  CliResult remote = h.Run({"report", "p.yaml", "--cache", "empty_cache", "--remote", nginx.url(), "--out", "remote_report"});
  ASSERT_EQ(remote.exit_code, 0) << remote.err;
  EXPECT_EQ(h.Read("remote_report/report.csv"), h.Read("report/report.csv"));
  EXPECT_FALSE(h.Read("report/report.csv").empty());
}

// After the run: evaluate's progress in the run log, `xstilts export` of the metrics and the model,
// and `xstilts report` refusing a damaged result.
void CheckProgressExportAndReport(const CliHarness& h, const CliResult& r, const fs::path& json_path, double average) {
  // evaluate reports how far it is (a fraction, so the display shows a percentage and an ETA).
  bool fraction_seen = false;
  std::ifstream log(json_path.parent_path().parent_path() / "run.jsonl");
  for (std::string line; std::getline(log, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event["event"] == "progress" && event["node"] == "eval") {
      EXPECT_GE(event["fraction"].get<double>(), 0.0) << line;
      EXPECT_LE(event["fraction"].get<double>(), 1.0) << line;
      fraction_seen = true;
    }
  }
  EXPECT_TRUE(fraction_seen);

  // `xstilts export`: metrics as CSV, the model as a Hugging Face folder.
  CliResult metrics = h.Run({"export", "p.yaml", "eval", "exported"});
  ASSERT_EQ(metrics.exit_code, 0) << metrics.err;
  EXPECT_NE(metrics.out.find("metrics: exported/metrics (metrics)\n"), std::string::npos) << metrics.out;
  const std::string csv = h.Read("exported/metrics/metrics.csv");
  EXPECT_EQ(csv.rfind("language,accuracy\nde,", 0), 0u) << csv;
  EXPECT_NE(csv.find("\navg," + fmt::format("{}", average) + "\n"), std::string::npos) << csv;
  CliResult model = h.Run({"export", "p.yaml", "cls", "hf"});
  ASSERT_EQ(model.exit_code, 0) << model.err;
  EXPECT_EQ(model.out, "model: hf/model (model)\nlog: hf/log (metrics)\n");
  EXPECT_TRUE(fs::exists(h.dir() / "hf" / "model" / "config.json"));
  EXPECT_GT(fs::file_size(h.dir() / "hf" / "model" / "model.safetensors"), 10000u);
  EXPECT_EQ(h.Read("hf/log/train.csv").rfind("step,loss,learning_rate,grad_norm\n1,", 0), 0u);
  CliResult unknown = h.Run({"export", "p.yaml", "evl", "x"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_EQ(unknown.err, "error: no node named 'evl'; did you mean 'eval'?\n");

  // `xstilts report` checks a result's files before reading them: with bytes flipped in the
  // metrics (the size kept, so that only the checksum can tell), the result is left out.
  CliResult report = h.Run({"report", "p.yaml", "--out", "report"});
  ASSERT_EQ(report.exit_code, 0) << report.err;
  CheckTheReportFromARemote(h);
  {
    std::fstream f(h.ArtifactOf(r, "eval", "metrics"), std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(-8, std::ios::end);
    f.write("XXXXXXXX", 8);
  }
  CliResult damaged = h.Run({"report", "p.yaml", "--out", "damaged"});
  EXPECT_EQ(damaged.exit_code, 1) << damaged.err;
  EXPECT_NE(damaged.err.find("warning: eval: cached result is damaged, left out of the report (`xstilts run` "
                             "rebuilds it): "),
            std::string::npos)
      << damaged.err;
  EXPECT_NE(damaged.err.find("checksum mismatch"), std::string::npos) << damaged.err;
  EXPECT_NE(damaged.err.find("has no finished results yet (the cached ones are damaged): run it first"),
            std::string::npos)
      << damaged.err;
  EXPECT_FALSE(fs::exists(h.dir() / "damaged"));
}

TEST(EvalNodes, ZeroShotXnliGivesOneRowPerLanguageAndTheAverage) {
  XSTILTS_SHARED_DATA_OR_SKIP(en, "xnli/xtreme/dev-en.tsv");
  const std::string pattern = (en.parent_path() / "dev-{lang}.tsv").string();
  CliHarness h("eval_nodes_xnli");
  h.Write("p.yaml",
          "nodes:\n"
          "  en:\n"
          "    type: dataset\n"
          "    params: {format: xnli, path: " + en.string() + ", limit: 300}\n"
          "  test:\n"
          "    type: dataset\n"
          "    params: {format: xnli, path: '" + pattern + "', languages: [de, fr, zh], limit: 100}\n"
          "  spm:\n"
          "    type: train_tokenizer\n"
          "    inputs: {corpus: [en, test]}\n"
          "    params: {model_type: bpe, vocab_size: 1000}\n"
          "  tok_en:\n"
          "    type: tokenize\n"
          "    inputs: {examples: en, tokenizer: spm}\n"
          "    params: {max_length: 128}\n"
          "  tok_test:\n"
          "    type: tokenize\n"
          "    inputs: {examples: test, tokenizer: spm}\n"
          "    params: {max_length: 128}\n"
          "  init:\n"
          "    type: init_model\n"
          "    inputs: {tokenizer: spm}\n" + std::string(kTinyModel) +
          "  cls:\n"
          "    type: train\n"
          "    inputs: {model: init, train: tok_en}\n"
          "    params: {steps: 30, batch_size: 16, lr: 1.0e-3, device: cpu, seed: 3}\n"
          "    resources: {threads: 1}\n"
          "  eval:\n"
          "    type: evaluate\n"
          "    inputs: {model: cls, tokens: [tok_test, tok_en]}\n"
          "    params: {batch_size: 64, device: cpu}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::map<std::string, double> accuracy = MetricsOf(h.ArtifactOf(r, "eval", "metrics"), "accuracy");
  ASSERT_EQ(accuracy.size(), 5u) << "de, en, fr, zh and avg";
  double sum = 0;
  for (const char* language : {"de", "en", "fr", "zh"}) {
    ASSERT_TRUE(accuracy.count(language)) << language;
    EXPECT_GE(accuracy.at(language), 0.0);
    EXPECT_LE(accuracy.at(language), 100.0);
    // 100 (or 300) examples: accuracy is a multiple of 1 (or 1/3) percent.
    sum += accuracy.at(language);
  }
  EXPECT_NEAR(accuracy.at("avg"), sum / 4, 1e-9);

  H5File predictions(h.ArtifactOf(r, "eval", "predictions"), H5File::Mode::kReadOnly);
  EXPECT_EQ(predictions.GetStringAttribute("/", "kind"), "predictions");
  const std::vector<std::string> predicted = predictions.ReadStrings("/prediction");
  EXPECT_EQ(predicted.size(), 600u);
  for (const std::string& p : predicted) EXPECT_TRUE(p == "entailment" || p == "neutral" || p == "contradiction") << p;

  const fs::path json_path = h.cache() / "runs" / ArtifactStore::PipelineId(h.dir() / "p.yaml") / "metrics" / "eval.json";
  ASSERT_TRUE(fs::exists(json_path)) << json_path;
  const nlohmann::json json = nlohmann::json::parse(std::ifstream(json_path));
  EXPECT_EQ(json["task"], "xnli");
  EXPECT_DOUBLE_EQ(json["metrics"]["de"]["accuracy"].get<double>(), accuracy.at("de"));
  EXPECT_DOUBLE_EQ(json["avg"]["accuracy"].get<double>(), accuracy.at("avg"));
  EXPECT_NEAR(json["chance"].get<double>(), 100.0 / 3, 1e-9);  // three labels

  CheckProgressExportAndReport(h, r, json_path, accuracy.at("avg"));
}

// `vocab`: small corpora cannot fill a large vocabulary, Chinese needs one.
std::string RetrievePipeline(const std::string& format, const std::string& path, int limit, const std::string& mode,
                             bool with_dev, int vocab = 1000) {
  return "nodes:\n"
         "  pairs:\n"
         "    type: dataset\n"
         "    params: {format: " + format + ", path: '" + path + "'" + (limit ? ", limit: " + std::to_string(limit) : "") + "}\n"
         "  spm:\n"
         "    type: train_tokenizer\n"
         "    inputs: {corpus: pairs}\n"
         "    params: {model_type: bpe, vocab_size: " + std::to_string(vocab) + ", character_coverage: 0.98}\n"
         "  tok:\n"
         "    type: tokenize\n"
         "    inputs: {examples: pairs, tokenizer: spm}\n"
         "    params: {max_length: 128}\n"
         "  init:\n"
         "    type: init_model\n"
         "    inputs: {tokenizer: spm}\n" + std::string(kTinyModel) +
         "  ret:\n"
         "    type: retrieve\n"
         "    inputs: {model: init, tokens: [tok], examples: [pairs]" +
         (with_dev ? ", dev_tokens: [tok], dev_examples: [pairs]" : "") + "}\n"
         "    params: {mode: " + mode + ", layer: 1, batch_size: 64, device: cpu}\n";
}

// Tagging (PAN-X, entity F1 over first sub-tokens) and span QA (XQuAD, n-best spans mapped back to
// the context) through the node, zero-shot from English: the scores exist per language and are
// percentages. The tagging metrics name the seqeval release that scored them (0.0.12 unless the
// param says otherwise); PAN-X's tags read alike in both, so both give the same scores.
TEST(EvalNodes, TaggingAndQaScorePerLanguage) {
  XSTILTS_SHARED_DATA_OR_SKIP(panx_en, "panx/xtreme/dev-en.tsv");
  XSTILTS_SHARED_DATA_OR_SKIP(xquad_en, "xquad/xquad.en.json");
  const std::string panx = (panx_en.parent_path() / "dev-{lang}.tsv").string();
  const std::string xquad = (xquad_en.parent_path() / "xquad.{lang}.json").string();
  CliHarness h("eval_nodes_tagging_qa");
  h.Write("p.yaml",
          "nodes:\n"
          "  ner: {type: dataset, params: {format: panx, path: '" + panx + "', languages: [en, de], limit: 40}}\n"
          "  qa: {type: dataset, params: {format: xquad, path: '" + xquad + "', languages: [en, de], limit: 12}}\n"
          "  spm:\n"
          "    type: train_tokenizer\n"
          "    inputs: {corpus: [ner, qa]}\n"
          "    params: {model_type: bpe, vocab_size: 1000, character_coverage: 0.99}\n"
          "  ner_tok: {type: tokenize, inputs: {examples: ner, tokenizer: spm}, params: {max_length: 64}}\n"
          "  qa_tok:\n"
          "    type: tokenize\n"
          "    inputs: {examples: qa, tokenizer: spm}\n"
          "    params: {max_length: 96, doc_stride: 48, max_query_length: 24}\n"
          "  init:\n"
          "    type: init_model\n"
          "    inputs: {tokenizer: spm}\n" + std::string(kTinyModel) +
          "  tuned:\n"
          "    type: train\n"
          "    inputs: {model: init, train: [ner_tok, qa_tok]}\n"
          "    params: {steps: 6, batch_size: 8, lr: 1.0e-3, device: cpu}\n"
          "  ner_eval: {type: evaluate, inputs: {model: tuned, tokens: ner_tok, examples: ner}, params: {device: cpu}}\n"
          "  ner_eval_122:\n"
          "    type: evaluate\n"
          "    inputs: {model: tuned, tokens: ner_tok, examples: ner}\n"
          "    params: {device: cpu, seqeval: '1.2.2'}\n"
          "  qa_eval: {type: evaluate, inputs: {model: tuned, tokens: qa_tok, examples: qa}, params: {device: cpu}}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  for (const auto& [node, metric] : {std::pair{"ner_eval", "f1"}, std::pair{"qa_eval", "f1"}, std::pair{"qa_eval", "exact_match"}}) {
    const std::map<std::string, double> scores = MetricsOf(h.ArtifactOf(r, node, "metrics"), metric);
    ASSERT_EQ(scores.size(), 3u) << node << ": en, de and avg";
    for (const auto& [language, value] : scores) {
      EXPECT_GE(value, 0.0) << node << " " << language;
      EXPECT_LE(value, 100.0) << node << " " << language;
    }
    EXPECT_NEAR(scores.at("avg"), (scores.at("en") + scores.at("de")) / 2, 1e-9) << node;
  }
  const auto seqeval_of = [&](const std::string& node) {
    H5File f(h.ArtifactOf(r, node, "metrics"), H5File::Mode::kReadOnly);
    return f.HasAttribute("/", "seqeval") ? f.GetStringAttribute("/", "seqeval") : std::string("(none)");
  };
  EXPECT_EQ(seqeval_of("ner_eval"), "0.0.12");
  EXPECT_EQ(seqeval_of("ner_eval_122"), "1.2.2");
  EXPECT_EQ(seqeval_of("qa_eval"), "(none)");
  EXPECT_EQ(MetricsOf(h.ArtifactOf(r, "ner_eval_122", "metrics"), "f1"),
            MetricsOf(h.ArtifactOf(r, "ner_eval", "metrics"), "f1"));
}

TEST(EvalNodes, TatoebaAccuracyOnRealSentences) {
  XSTILTS_SHARED_DATA_OR_SKIP(deu, "tatoeba/v1/tatoeba.deu-eng.deu");
  CliHarness h("eval_nodes_tatoeba");
  h.Write("p.yaml", RetrievePipeline("tatoeba", (deu.parent_path() / "tatoeba.deu-eng").string(), 300, "tatoeba", false));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const std::map<std::string, double> accuracy = MetricsOf(h.ArtifactOf(r, "ret", "metrics"), "accuracy");
  ASSERT_EQ(accuracy.size(), 2u);
  EXPECT_GE(accuracy.at("de"), 0.0);
  EXPECT_LE(accuracy.at("de"), 100.0);
  H5File predictions(h.ArtifactOf(r, "ret", "predictions"), H5File::Mode::kReadOnly);
  EXPECT_EQ(predictions.ReadStrings("/target_id").size(), 300u);
}

// Distinct lines of the English side as both sides: the embeddings of source i and target i are
// identical, so top-1 retrieval must find every pair.
TEST(EvalNodes, TatoebaWithIdenticalSidesIsExact) {
  XSTILTS_SHARED_DATA_OR_SKIP(eng, "tatoeba/v1/tatoeba.deu-eng.eng");
  CliHarness h("eval_nodes_tatoeba_identical");
  std::ifstream in(eng);
  std::vector<std::string> lines;
  std::set<std::string> seen;
  for (std::string line; std::getline(in, line) && lines.size() < 200;) {
    if (!line.empty() && seen.insert(line).second) lines.push_back(line);
  }
  std::ofstream src(h.dir() / "tatoeba.deu-eng.deu"), trg(h.dir() / "tatoeba.deu-eng.eng");
  for (const std::string& line : lines) src << line << "\n", trg << line << "\n";
  src.close();
  trg.close();
  h.Write("p.yaml", RetrievePipeline("tatoeba", (h.dir() / "tatoeba.deu-eng").string(), 0, "tatoeba", false));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(MetricsOf(h.ArtifactOf(r, "ret", "metrics"), "accuracy").at("de"), 100.0);
}

TEST(EvalNodes, BuccMiningOnRealSentences) {
  XSTILTS_SHARED_DATA_OR_SKIP(zh, "bucc2018/xtreme/zh-en.dev.zh");
  CliHarness h("eval_nodes_bucc");
  h.Write("p.yaml", RetrievePipeline("bucc2018", (zh.parent_path() / "zh-en.dev").string(), 2000, "bucc", true, 4000));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const fs::path metrics = h.ArtifactOf(r, "ret", "metrics");
  for (const char* m : {"f1", "precision", "recall"}) {
    const double v = MetricsOf(metrics, m).at("zh");
    EXPECT_GE(v, 0.0) << m;
    EXPECT_LE(v, 100.0) << m;
  }
}

// Every source sentence is also on the target side (with distractors there): the gold pairs have
// cosine 1, so with the threshold chosen on this set mining finds exactly them.
TEST(EvalNodes, BuccWithIdenticalPairsIsExact) {
  XSTILTS_SHARED_DATA_OR_SKIP(en, "bucc2018/xtreme/zh-en.dev.en");
  CliHarness h("eval_nodes_bucc_identical");
  std::ifstream in(en);
  std::vector<std::string> texts;
  std::set<std::string> seen;
  for (std::string line; std::getline(in, line) && texts.size() < 120;) {
    const std::string text = line.substr(line.find('\t') + 1);
    if (seen.insert(text).second) texts.push_back(text);
  }
  std::ofstream zh_out(h.dir() / "zh-en.dev.zh"), en_out(h.dir() / "zh-en.dev.en"), gold(h.dir() / "zh-en.dev.gold");
  for (size_t i = 0; i < texts.size(); ++i) {
    en_out << "en-" << i << "\t" << texts[i] << "\n";
    if (i % 3 == 0) {
      zh_out << "zh-" << i << "\t" << texts[i] << "\n";
      gold << "zh-" << i << "\ten-" << i << "\n";
    }
  }
  zh_out.close();
  en_out.close();
  gold.close();
  h.Write("p.yaml", RetrievePipeline("bucc2018", (h.dir() / "zh-en.dev").string(), 0, "bucc", true));
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(MetricsOf(h.ArtifactOf(r, "ret", "metrics"), "f1").at("zh"), 100.0);
}

}  // namespace
}  // namespace xstilts
