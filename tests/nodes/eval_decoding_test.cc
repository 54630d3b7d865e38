// The decoding and retrieval pieces of the evaluation node types, on hand-checkable inputs.
#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>
#include <torch/torch.h>

#include "data/h5_file.h"
#include "data/metrics_table.h"
#include "nodes/evaluation/eval_decoding.h"
#include "nodes/evaluation/retrieval.h"

namespace xstilts {
namespace {

// Context "ab cd ef" as three context tokens after two question tokens (-1 spans).
QaWindow Window(std::vector<float> start, std::vector<float> end, std::vector<int32_t> cs, std::vector<int32_t> ce) {
  return QaWindow{std::move(start), std::move(end), std::move(cs), std::move(ce)};
}

TEST(EvalDecoding, QaBestSpanInOneWindow) {
  // tokens: <s> q </s> "ab" "cd" "ef" </s>
  QaWindow w = Window({9, 9, 0, 1, 5, 2, 0}, {9, 0, 0, 0, 1, 4, 0}, {-1, -1, -1, 0, 3, 6, -1}, {-1, -1, -1, 2, 5, 8, -1});
  const QaSpan span = DecodeQaSpan({w}, "ab cd ef", 20, 30);
  ASSERT_TRUE(span.found);
  EXPECT_EQ(span.text, "cd ef");  // start 4 (5) + end 5 (4) = 9; the question tokens score more but are not context
  EXPECT_EQ(span.start_token, 4);
  EXPECT_EQ(span.end_token, 5);
  EXPECT_DOUBLE_EQ(span.score, 9.0);
  // max_answer_length 1: only single-token answers; "cd" (5 + 1) and "ef" (2 + 4) tie at 6.
  // Ties go to the earlier candidate: start cd is ranked before start ef.
  EXPECT_EQ(DecodeQaSpan({w}, "ab cd ef", 20, 1).text, "cd");
  // n_best 2: the starts considered are the two question tokens (9, 9): nothing is valid.
  EXPECT_FALSE(DecodeQaSpan({w}, "ab cd ef", 2, 30).found);
}

TEST(EvalDecoding, QaBestAcrossWindowsUsesMaxContext) {
  // Context "ab cd ef gh" (tokens at 0, 3, 6, 9), two windows of three tokens with stride 2:
  // window 0 = ab cd ef, window 1 = ef gh (ef is in both; its max-context window is 0 where it
  // is... last, score 0 + 0.03, versus window 1 first, score 0 + 0.02: window 0).
  QaWindow w0 = Window({0, 1, 2, 3, 0}, {0, 1, 2, 3, 0}, {-1, 0, 3, 6, -1}, {-1, 2, 5, 8, -1});
  QaWindow w1 = Window({0, 8, 1, 0}, {0, 1, 7, 0}, {-1, 6, 9, -1}, {-1, 8, 11, -1});
  const QaSpan span = DecodeQaSpan({w0, w1}, "ab cd ef gh", 20, 30);
  // In window 1 "ef gh" would score 8 + 7 = 15, but ef's max-context window is 0, so that start is
  // skipped there; best is window 0 "ef" (3 + 3 = 6) against window 1 "gh" (1 + 7 = 8).
  EXPECT_EQ(span.text, "gh");
  EXPECT_EQ(span.window, 1);
  EXPECT_DOUBLE_EQ(span.score, 8.0);
}

TEST(EvalDecoding, QaTextIsCodePointsOfTheContext) {
  QaWindow w = Window({0, 5, 0}, {0, 5, 0}, {-1, 3, -1}, {-1, 5, -1});
  EXPECT_EQ(DecodeQaSpan({w}, "日本 東京 x", 20, 30).text, "東京");
}

TEST(EvalDecoding, BestIndexesKeepsPositionOrderOnTies) {
  EXPECT_EQ(BestIndexes({1, 3, 3, 2}, 3), (std::vector<int64_t>{1, 2, 3}));
  EXPECT_EQ(BestIndexes({1, 3}, 5), (std::vector<int64_t>{1, 0}));
}

TEST(EvalDecoding, TagsFromFirstSubTokens) {
  // <s> Jo_ hn Smith _lives </s>: words 0 (Jo hn), 1 (Smith), 2 (lives).
  const std::vector<int32_t> word_index = {-1, 0, -1, 1, 2, -1};
  const std::vector<int32_t> predicted = {0, 1, 0, 2, 0, 1};
  const std::map<int32_t, int32_t> by_word = FirstSubTokenLabels(word_index, predicted);
  EXPECT_EQ(by_word, (std::map<int32_t, int32_t>{{0, 1}, {1, 2}, {2, 0}}));
  const std::vector<std::string> labels = {"O", "B-PER", "I-PER"};
  EXPECT_EQ(WordTags(by_word, 4, labels), (std::vector<std::string>{"B-PER", "I-PER", "O", "O"}));
}

TEST(EvalRetrieval, BlockedTopKMatchesTheFullProduct) {
  torch::manual_seed(0);
  const torch::Tensor q = NormalizeRows(torch::randn({37, 8})), k = NormalizeRows(torch::randn({53, 8}));
  const TopK blocked = BlockedTopK(q, k, 4, 5);
  auto [scores, indices] = torch::topk(torch::mm(q, k.t()), 4, 1);
  EXPECT_TRUE(torch::equal(blocked.indices, indices));
  EXPECT_TRUE(torch::allclose(blocked.scores, scores));
}

TEST(EvalRetrieval, IdenticalEmbeddingsRetrieveThemselves) {
  torch::manual_seed(1);
  const torch::Tensor x = NormalizeRows(torch::randn({200, 16}));
  const torch::Tensor shuffled = torch::randperm(200);
  const TopK top = BlockedTopK(x, x.index({shuffled}), 1, 64);
  // Source i is target row j where shuffled[j] == i.
  const torch::Tensor expected = torch::argsort(shuffled);
  EXPECT_TRUE(torch::equal(top.indices.select(1, 0), expected));
}

TEST(EvalRetrieval, MarginMiningOnAConstructedCase) {
  // Three sources, four targets; sources 0 and 1 have exact translations (targets 2 and 0),
  // source 2 none. With k = 2 the ratio margin of an exact pair is 1 / ((1 + c) / 2 + ...).
  const torch::Tensor x = torch::tensor({{1.f, 0.f, 0.f}, {0.f, 1.f, 0.f}, {0.f, 0.f, 1.f}});
  const torch::Tensor y = NormalizeRows(torch::tensor({{0.f, 1.f, 0.f}, {0.f, 0.6f, 0.8f}, {1.f, 0.f, 0.f}, {-1.f, 0.f, 0.f}}));
  const std::vector<MinedPair> mined = MineBitext(x, y, 2);
  ASSERT_GE(mined.size(), 2u);
  // x0-y2: cos 1; x0's 2 best: 1, 0 -> mean 0.5; y2's 2 best: 1 (x0), 0 -> 0.5; margin 1 / 0.5 = 2.
  // x1-y0: cos 1; x1's best: 1 (y0), 0.6 (y1) -> 0.8; y0's: 1, 0 -> 0.5; margin 1 / 0.65.
  EXPECT_EQ(mined[0].source, 0);
  EXPECT_EQ(mined[0].target, 2);
  EXPECT_DOUBLE_EQ(mined[0].score, 2.0);
  EXPECT_EQ(mined[1].source, 1);
  EXPECT_EQ(mined[1].target, 0);
  EXPECT_NEAR(mined[1].score, 1.0 / 0.65, 1e-6);
  // Each source and target appears once.
  std::set<int64_t> sources, targets;
  for (const MinedPair& m : mined) {
    EXPECT_TRUE(sources.insert(m.source).second);
    EXPECT_TRUE(targets.insert(m.target).second);
  }
}

TEST(EvalMetricsTable, ArtifactHasOneRowPerLanguageAndTheAverage) {
  MetricsTable t;
  t.task = "xnli";
  t.metric_names = {"accuracy"};
  t.AddRow("de", {50});
  t.AddRow("fr", {70});
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "xstilts_metrics_table_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteMetricsArtifact(t, dir / "m.h5");
  H5File f(dir / "m.h5", H5File::Mode::kReadOnly);
  EXPECT_EQ(f.GetStringAttribute("/", "kind"), "metrics");
  EXPECT_EQ(f.ReadStrings("/languages"), (std::vector<std::string>{"de", "fr", "avg"}));
  EXPECT_EQ(f.ReadVector<double>("/accuracy"), (std::vector<double>{50, 70, 60}));
  WriteMetricsJson(t, dir, "eval");
  const nlohmann::json json = nlohmann::json::parse(std::ifstream(dir / "metrics" / "eval.json"));
  EXPECT_EQ(json["avg"]["accuracy"], 60.0);
  EXPECT_FALSE(json.contains("seqeval"));  // only tagging metrics say which seqeval scored them
  EXPECT_FALSE(f.HasAttribute("/", "seqeval"));
  EXPECT_EQ(ReadMetricsArtifact(dir / "m.h5").seqeval, "");
}

TEST(EvalMetricsTable, TaggingMetricsNameTheSeqevalRelease) {
  MetricsTable t;
  t.task = "udpos";
  t.metric_names = {"f1", "precision", "recall"};
  t.seqeval = "0.0.12";
  t.AddRow("de", {50, 40, 66});
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / "xstilts_metrics_seqeval_test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  WriteMetricsArtifact(t, dir / "m.h5");
  EXPECT_EQ(H5File(dir / "m.h5", H5File::Mode::kReadOnly).GetStringAttribute("/", "seqeval"), "0.0.12");
  EXPECT_EQ(ReadMetricsArtifact(dir / "m.h5").seqeval, "0.0.12");
  WriteMetricsJson(t, dir, "eval");
  EXPECT_EQ(nlohmann::json::parse(std::ifstream(dir / "metrics" / "eval.json"))["seqeval"], "0.0.12");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace xstilts
