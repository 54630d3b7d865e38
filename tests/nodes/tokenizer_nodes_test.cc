// The tokenizer, train_tokenizer and tokenize node types through the CLI.
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <map>
#include <random>
#include <sstream>
#include <string>

#include <sys/wait.h>

#include <gtest/gtest.h>

#include "data/examples_artifact.h"
#include "data/h5_file.h"
#include "data/readers/read_dataset.h"
#include "data/token_dataset.h"
#include "tests/build_features.h"
#include "tests/integration/cli_harness.h"
#include "tests/readers/reader_test_util.h"
#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/tokenize_stream.h"
#include "tokenizer/tokenizer_artifact.h"

namespace xstilts {
namespace {

namespace fs = std::filesystem;
using testing::CliHarness;
using testing::CliResult;

// The "end" event of `node` in the run log of a --json run (cost, peak_rss_bytes, ...).
nlohmann::json EndEvent(const CliHarness& h, const CliResult& r, const std::string& node) {
  const fs::path log = h.dir() / r.Json()["run_log"].get<std::string>();
  std::ifstream in(log);
  for (std::string line; std::getline(in, line);) {
    const nlohmann::json event = nlohmann::json::parse(line);
    if (event.value("event", "") == "end" && event.value("node", "") == node) return event;
  }
  ADD_FAILURE() << "no end event of " << node << " in " << log;
  return {};
}

// Runs `xstilts run p.yaml --json <args>` in h.dir() as a grandchild of this process: popen's
// shell forks it. getrusage's ru_maxrss survives fork + execve, so a CLI forked straight from this
// (large) test process would report this process's size; the shell's fork starts it afresh.
CliResult RunFresh(const CliHarness& h, const std::string& args) {
  const std::string command = "cd '" + h.dir().string() + "' && '" + XSTILTS_BIN + "' run p.yaml --cache '" +
                              h.cache().string() + "' --json " + args + " 2>/dev/null; exit $?";
  CliResult result;
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return result;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof(buffer), pipe)) > 0;) result.out.append(buffer, n);
  const int status = ::pclose(pipe);
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

std::string ReadBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

TEST(TokenizerNodes, DatasetTokenizerTokenizePipeline) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model, "spm/amr_nmt/sentencepiece.bpe.model");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(other_model, "spm/amr_nmt/onmt_sentencepiece.bpe.model");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(panx, "panx/xtreme/dev-de.tsv");
  CliHarness h("tokenize_pipeline");
  h.Write("models/spm.model", ReadBytes(model));
  h.Write("p.yaml", "nodes:\n"
                    "  panx:\n"
                    "    type: dataset\n"
                    "    params: {format: panx, path: " + panx.string() + ", limit: 300}\n"
                    "  spm:\n"
                    "    type: tokenizer\n"
                    "    params: {path: models/spm.model, id_layout: fairseq}\n"
                    "  tok:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: panx, tokenizer: spm}\n"
                    "    params: {max_length: 24}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"panx", "ran"}, {"spm", "ran"}, {"tok", "ran"}}));

  const TokenizerArtifact tokenizer = ReadTokenizerArtifact(h.ArtifactOf(r, "spm", "tokenizer"));
  EXPECT_EQ(tokenizer.model_proto, ReadBytes(model));
  EXPECT_EQ(tokenizer.model_type, "bpe");
  EXPECT_EQ(tokenizer.id_layout, IdLayout::kFairseq);

  // The artifact holds what the library builds from the same examples and model.
  const TokenDataset tokens = ReadTokenDataset(h.ArtifactOf(r, "tok", "tokens"));
  const Examples examples = ReadExamples(h.ArtifactOf(r, "panx", "examples"));
  const auto loaded = LoadTokenizer(h.ArtifactOf(r, "spm", "tokenizer"));
  const Tokenizer& spm = *loaded;
  TokenizeOptions options;
  options.max_length = 24;
  const FeatureBuilder builder(spm, examples.task, examples.labels, options);
  testing::TempDir dir;
  std::vector<std::string> ids, languages;
  TokenDatasetExampleRows(examples, &ids, &languages);
  TokenDatasetWriter writer(dir.path() / "direct.h5", MakeTokenDatasetInfo(examples, spm, builder), ids, languages);
  TokenizeExamples(examples, builder, writer, TokenizeStreamOptions());
  writer.Finish();
  EXPECT_EQ(TokenDatasetDifference(tokens, ReadTokenDataset(dir.path() / "direct.h5")), "");
  EXPECT_EQ(tokens.info.task, TaskType::kTagging);
  EXPECT_EQ(tokens.info.labels, examples.labels);
  EXPECT_EQ(tokens.example_id.size(), 300u);
  EXPECT_GT(tokens.features.size(), 300u);  // long sentences split at max_length 24
  EXPECT_EQ(EndEvent(h, r, "tok")["cost"]["tokens"].get<double>(), static_cast<double>(tokens.features.num_tokens()));

  CliResult again = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.Statuses(), (std::map<std::string, std::string>{{"panx", "cached"}, {"spm", "cached"}, {"tok", "cached"}}));

  // Another model file under the same name: the tokenizer and everything after it run again.
  h.Write("models/spm.model", ReadBytes(other_model));
  CliResult changed = h.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(changed.exit_code, 0) << changed.err;
  EXPECT_EQ(changed.Statuses(), (std::map<std::string, std::string>{{"panx", "cached"}, {"spm", "ran"}, {"tok", "ran"}}));
  EXPECT_NE(changed.err.find("spm: file models/spm.model changed"), std::string::npos) << changed.err;
  EXPECT_EQ(ReadTokenDataset(h.ArtifactOf(changed, "tok", "tokens")).info.vocab_size, 8002);
}

TEST(TokenizerNodes, TokenizerNodeRejectsAFileThatIsNoModel) {
  CliHarness h("tokenizer_bad_model");
  h.Write("bad.model", "not a sentencepiece model");
  h.Write("p.yaml", "nodes:\n"
                    "  spm:\n"
                    "    type: tokenizer\n"
                    "    params: {path: bad.model}\n");
  CliResult r = h.Run({"run", "p.yaml", "--json"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.Statuses(), (std::map<std::string, std::string>{{"spm", "failed"}}));
  EXPECT_NE(r.err.find("error: node 'spm' (p.yaml:2:3): " + (h.dir() / "bad.model").string() + ": "), std::string::npos)
      << r.err;
}

constexpr char kTrainPipeline[] = R"(nodes:
  deu:
    type: dataset
    params: {format: tatoeba, path: TATOEBA_DEU, limit: 600}
  fra:
    type: dataset
    params: {format: tatoeba, path: TATOEBA_FRA, limit: 300}
  spm:
    type: train_tokenizer
    inputs: {corpus: [deu, fra]}
    params: {model_type: unigram, vocab_size: 800, sampling_alpha: 0.3, max_sentences: 2000, seed: 5}
)";

std::string TrainPipeline(const fs::path& tatoeba) {
  std::string yaml = kTrainPipeline;
  yaml.replace(yaml.find("TATOEBA_DEU"), 11, (tatoeba / "tatoeba.deu-eng").string());
  yaml.replace(yaml.find("TATOEBA_FRA"), 11, (tatoeba / "tatoeba.fra-eng").string());
  return yaml;
}

TEST(TokenizerNodes, TrainTokenizerIsDeterministicAndUsesTheFairseqLayout) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(tatoeba, "tatoeba/v1");
  CliHarness first("train_tokenizer_a"), second("train_tokenizer_b");
  first.Write("p.yaml", TrainPipeline(tatoeba));
  second.Write("p.yaml", TrainPipeline(tatoeba));
  CliResult a = first.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  CliResult b = second.Run({"run", "p.yaml", "--json"});
  ASSERT_EQ(b.exit_code, 0) << b.err;
  const TokenizerArtifact x = ReadTokenizerArtifact(first.ArtifactOf(a, "spm", "tokenizer"));
  const TokenizerArtifact y = ReadTokenizerArtifact(second.ArtifactOf(b, "spm", "tokenizer"));
  EXPECT_EQ(x.model_proto, y.model_proto);
  EXPECT_EQ(x.model_type, "unigram");
  EXPECT_EQ(SentencePieceModelType(x.model_proto), "unigram");

  // 600 German and 300 French sentences and their English sides, each distinct text once, drawn
  // with shares n^0.3 / sum n^0.3 of max_sentences.
  ASSERT_EQ(x.sample.size(), 3u);
  EXPECT_EQ(x.sample[0].language, "de");
  EXPECT_EQ(x.sample[1].language, "en");
  EXPECT_EQ(x.sample[2].language, "fr");
  EXPECT_EQ(x.sample[0].available, 600u);
  EXPECT_EQ(x.sample[2].available, 300u);
  EXPECT_GT(x.sample[1].available, 800u);
  double norm = 0;
  size_t drawn = 0;
  for (const LanguageQuota& q : x.sample) norm += std::pow(static_cast<double>(q.available), 0.3);
  for (const LanguageQuota& q : x.sample) {
    EXPECT_NEAR(static_cast<double>(q.quota), 2000 * std::pow(static_cast<double>(q.available), 0.3) / norm, 1.0)
        << q.language;
    drawn += q.quota;
  }
  EXPECT_EQ(drawn, 2000u);

  const auto loaded = LoadTokenizer(first.ArtifactOf(a, "spm", "tokenizer"));
  const Tokenizer& model = *loaded;
  EXPECT_EQ(model.VocabSize(), 802);
  const std::vector<std::string> specials = {"<s>", "<pad>", "</s>", "<unk>"};
  for (int32_t id = 0; id < 4; ++id) EXPECT_EQ(*model.IdToPiece(id), specials[id]);
  EXPECT_EQ(*model.IdToPiece(801), "<mask>");
  EXPECT_EQ(model.PieceToId("<mask>"), 801);
  H5File h5(first.ArtifactOf(a, "spm", "tokenizer"), H5File::Mode::kReadOnly);
  EXPECT_EQ(h5.GetStringAttribute("/", "kind"), "tokenizer");
  EXPECT_EQ(h5.GetStringAttribute("/", "id_layout"), "fairseq");
  EXPECT_EQ(h5.GetIntAttribute("/", "vocab_size"), 802);
  EXPECT_EQ(h5.GetIntAttribute("/", "piece_size"), 800);
  EXPECT_EQ(h5.GetIntAttribute("/", "bos_id"), 0);
  EXPECT_EQ(h5.GetIntAttribute("/", "pad_id"), 1);
  EXPECT_EQ(h5.GetIntAttribute("/", "eos_id"), 2);
  EXPECT_EQ(h5.GetIntAttribute("/", "unk_id"), 3);
  EXPECT_EQ(h5.GetIntAttribute("/", "mask_id"), 801);

  CliResult reseeded = first.Run({"run", "p.yaml", "--json", "--set", "spm.params.seed=6"});
  ASSERT_EQ(reseeded.exit_code, 0) << reseeded.err;
  EXPECT_NE(ReadTokenizerArtifact(first.ArtifactOf(reseeded, "spm", "tokenizer")).model_proto, x.model_proto);
}

// Peak RSS of a process that runs only a tokenize node (its inputs are cached). XQuAD with a tiny
// doc_stride makes the token data many times larger than the examples, so features kept in
// memory would show: from n examples to 4n the token data grows by over 50 MiB, and on the same
// 4n examples a heavy and a light setting differ by as much.
TEST(TokenizerNodes, TokenizeMemoryStaysFlatWhenTheOutputGrows) {
  XSTILTS_SKIP_UNDER_SANITIZERS("peak RSS includes the sanitizer's shadow memory");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model, "spm/amr_nmt/sentencepiece.bpe.model");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(xquad, "xquad");
  CliHarness h("tokenize_memory");
  const std::string heavy_params = "{max_length: 64, doc_stride: 4, max_query_length: 16}";
  const std::string light_params = "{max_length: 384, doc_stride: 128}";
  const std::string path = "\"" + (xquad / "xquad.{lang}.json").string() + "\"";
  h.Write("p.yaml", "nodes:\n"
                    "  small:\n"
                    "    type: dataset\n"
                    "    params: {format: xquad, path: " + path + ", languages: [en], limit: 400}\n"
                    "  large:\n"
                    "    type: dataset\n"
                    "    params: {format: xquad, path: " + path + ", languages: [en, de, es, vi], limit: 400}\n"
                    "  spm:\n"
                    "    type: tokenizer\n"
                    "    params: {path: " + model.string() + "}\n"
                    "  tok_small:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: small, tokenizer: spm}\n"
                    "    params: " + heavy_params + "\n"
                    "  tok_large:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: large, tokenizer: spm}\n"
                    "    params: " + heavy_params + "\n"
                    "  tok_large_light:\n"
                    "    type: tokenize\n"
                    "    inputs: {examples: large, tokenizer: spm}\n"
                    "    params: " + light_params + "\n");
  CliResult inputs = h.Run({"run", "p.yaml", "--only", "small", "--only", "large", "--only", "spm"});
  ASSERT_EQ(inputs.exit_code, 0) << inputs.err;
  struct Measured {
    double rss = 0;
    double tokens = 0;  // bytes of the artifact
  };
  const auto measure = [&](const std::string& node) {
    CliResult r = RunFresh(h, "-j 1 --only " + node);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.Statuses()[node], "ran");
    return Measured{EndEvent(h, r, node)["peak_rss_bytes"].get<double>(),
                    static_cast<double>(fs::file_size(h.ArtifactOf(r, node, "tokens")))};
  };
  const Measured small = measure("tok_small"), large = measure("tok_large"), light = measure("tok_large_light");
  const double mib = 1 << 20;
  std::cout << "peak RSS / token data (MiB): 400 examples " << small.rss / mib << " / " << small.tokens / mib
            << "; 1600 examples " << large.rss / mib << " / " << large.tokens / mib << "; 1600 examples, light "
            << light.rss / mib << " / " << light.tokens / mib << "\n";
  ASSERT_GT(large.tokens - small.tokens, 50 * mib);
  ASSERT_GT(large.tokens - light.tokens, 50 * mib);
  // Features kept in memory would cost at least the token data itself. What may grow with the
  // input are the examples (held as strings, ~6 KiB per XQuAD question here); what may grow with
  // the density of the output are the batches in flight and one HDF5 chunk per column.
  EXPECT_LT(large.rss - small.rss, 0.3 * (large.tokens - small.tokens));
  EXPECT_LT(large.rss - light.rss, 16 * mib);
}

// Writes an SST-2 file of `n` sentences of 80 common words (about 420 bytes each); returns the
// bytes of text.
size_t WriteSentences(const fs::path& path, size_t n, std::mt19937& rng) {
  static const char* const kWords[] = {
      "the", "of", "and", "to", "in", "is", "was", "for", "on", "that", "with", "as", "by", "at", "from", "his",
      "her", "it", "an", "are", "were", "which", "this", "be", "or", "has", "had", "not", "but", "their", "they",
      "one", "its", "also", "first", "new", "after", "who", "been", "two", "other", "all", "more", "when",
      "during", "there", "time", "only", "over", "into", "most", "some", "would", "can", "may", "than", "later",
      "years", "where", "about", "up", "out", "made", "world", "three", "used", "many", "these", "between",
      "both", "under", "such", "season", "being", "then", "while", "through", "before", "well", "known", "city",
      "film", "school", "since", "year", "until", "team", "part", "him", "against", "series", "including"};
  std::ofstream out(path);
  out << "sentence\tlabel\n";
  size_t bytes = 0;
  for (size_t i = 0; i < n; ++i) {
    std::string sentence;
    for (int w = 0; w < 80; ++w) sentence += std::string(w ? " " : "") + kWords[rng() % std::size(kWords)];
    bytes += sentence.size();
    out << sentence << "\t" << i % 2 << "\n";
  }
  return bytes;
}

// Peak RSS of a process that runs only a tokenize node, on n and on 8n synthetic sentences. The
// node reads the examples artifact block by block, so what may grow with the input is only the ids
// and languages that the tokens writer takes at once (about 64 bytes an example). Holding the
// examples, as reading the whole artifact did, costs at least their text and an Example struct
// each: 40,000 sentences took 82 MiB that way against 41 MiB streamed, 5,000 took 41 and 37.
TEST(TokenizerNodes, TokenizeMemoryStaysFlatWhenTheInputGrows) {
  XSTILTS_SKIP_UNDER_SANITIZERS("peak RSS includes the sanitizer's shadow memory");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model, "spm/amr_nmt/sentencepiece.bpe.model");
  CliHarness h("tokenize_input_memory");
  constexpr size_t kSmall = 5000, kLarge = 8 * kSmall;
  std::mt19937 rng(11);
  const size_t small_text = WriteSentences(h.dir() / "small.tsv", kSmall, rng);
  const size_t large_text = WriteSentences(h.dir() / "large.tsv", kLarge, rng);
  h.Write("p.yaml", "nodes:\n"
                    "  small: {type: dataset, params: {format: sst2, path: small.tsv}}\n"
                    "  large: {type: dataset, params: {format: sst2, path: large.tsv}}\n"
                    "  spm: {type: tokenizer, params: {path: " + model.string() + "}}\n"
                    "  tok_small: {type: tokenize, inputs: {examples: small, tokenizer: spm}}\n"
                    "  tok_large: {type: tokenize, inputs: {examples: large, tokenizer: spm}}\n");
  CliResult inputs = h.Run({"run", "p.yaml", "--only", "small", "--only", "large", "--only", "spm"});
  ASSERT_EQ(inputs.exit_code, 0) << inputs.err;
  const auto peak = [&](const std::string& node) {
    CliResult r = RunFresh(h, "-j 1 --only " + node);
    EXPECT_EQ(r.exit_code, 0) << r.out;
    EXPECT_EQ(r.Statuses()[node], "ran");
    return EndEvent(h, r, node)["peak_rss_bytes"].get<double>();
  };
  const double small = peak("tok_small"), large = peak("tok_large");
  const double mib = 1 << 20;
  const double holding = static_cast<double>(large_text - small_text) + (kLarge - kSmall) * sizeof(Example);
  const double margin = holding / 3;
  std::cout << "peak RSS (MiB): " << kSmall << " sentences " << small / mib << ", " << kLarge << " sentences "
            << large / mib << "; holding the " << kLarge - kSmall << " more would take at least " << holding / mib
            << ", allowed growth " << margin / mib << "\n";
  ASSERT_GT(large_text, 15'000'000u);
  EXPECT_LT(large - small, margin);
}

}  // namespace
}  // namespace xstilts
