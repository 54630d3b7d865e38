// Checks on the real benchmark files (skipped when the shared data folder is absent).
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "eval/metrics_qa.h"
#include "eval/metrics_seqeval.h"
#include "eval/score_files.h"
#include "tests/shared_data.h"

namespace xstilts {
namespace {

std::map<std::string, std::string> FirstAnswers(const std::vector<QaQuestion>& gold) {
  std::map<std::string, std::string> predictions;
  for (const QaQuestion& q : gold) predictions[q.id] = q.answers.front();
  return predictions;
}

TEST(EvalRealData, SquadFormatGoldFilesRead) {
  // The published sizes: XQuAD 1190 questions per language, MLQA dev zh-zh 504, TyDiQA-GoldP
  // English dev 440. (The macro names its variable `path`, so each file gets its own block.)
  {
    XSTILTS_SHARED_DATA_OR_SKIP(path, "xquad/xquad.en.json");
    EXPECT_EQ(ReadQaGoldFile(path).size(), 1190u);
  }
  {
    XSTILTS_SHARED_DATA_OR_SKIP(path, "mlqa/MLQA_V1/dev/dev-context-zh-question-zh.json");
    EXPECT_EQ(ReadQaGoldFile(path).size(), 504u);
  }
  {
    XSTILTS_SHARED_DATA_OR_SKIP(path, "tydiqa/xtreme/tydiqa.goldp.en.dev.json");
    EXPECT_EQ(ReadQaGoldFile(path).size(), 440u);
  }
}

TEST(EvalRealData, GoldAnswersScorePerfectlyAndEmptyAnswersScoreZero) {
  {
    XSTILTS_SHARED_DATA_OR_SKIP(path, "xquad/xquad.zh.json");
    const std::vector<QaQuestion> gold = ReadQaGoldFile(path);
    const QaScore squad = ScoreQa(gold, FirstAnswers(gold), AnswerNormalizer::Squad());
    EXPECT_EQ(squad.exact_match, 100.0);
    EXPECT_EQ(squad.f1, 100.0);
  }
  XSTILTS_SHARED_DATA_OR_SKIP(path, "mlqa/MLQA_V1/dev/dev-context-zh-question-zh.json");
  const std::vector<QaQuestion> gold = ReadQaGoldFile(path);
  const QaScore zh = ScoreQa(gold, FirstAnswers(gold), AnswerNormalizer::Mlqa("zh"));
  EXPECT_EQ(zh.exact_match, 100.0);
  EXPECT_EQ(zh.f1, 100.0);
  std::map<std::string, std::string> empty;
  for (const QaQuestion& q : gold) empty[q.id] = "";
  const QaScore none = ScoreQa(gold, empty, AnswerNormalizer::Mlqa("zh"));
  EXPECT_EQ(none.f1, 0.0);
  EXPECT_EQ(none.unanswered, 0u);
}

TEST(EvalRealData, PanxChunksAreTheBTags) {
  XSTILTS_SHARED_DATA_OR_SKIP(path, "panx/xtreme/dev-en.tsv");
  std::ifstream in(path);
  std::vector<std::vector<std::string>> sentences(1);
  std::size_t b_tags = 0;
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty()) {
      if (!sentences.back().empty()) sentences.emplace_back();
      continue;
    }
    const std::string tag = line.substr(line.rfind('\t') + 1);
    if (tag.rfind("B-", 0) == 0) ++b_tags;
    sentences.back().push_back(tag);
  }
  if (sentences.back().empty()) sentences.pop_back();
  EXPECT_EQ(sentences.size(), 10000u);
  // PAN-X is IOB2: every entity starts with B-, so seqeval finds exactly one chunk per B- tag.
  // Its tags are all O or X-TYPE with a TYPE free of '-', which both releases read alike.
  const std::vector<Chunk> chunks = GetEntities(sentences, SeqevalVersion::k0_0_12);
  EXPECT_EQ(chunks.size(), b_tags);
  EXPECT_EQ(GetEntities(sentences, SeqevalVersion::k1_2_2), chunks);
  std::vector<std::vector<std::string>> all_o = sentences;
  for (auto& s : all_o) s.assign(s.size(), "O");
  for (const SeqevalVersion version : {SeqevalVersion::k0_0_12, SeqevalVersion::k1_2_2}) {
    EXPECT_EQ(SeqevalPrf(sentences, sentences, version).f1, 100.0);
    EXPECT_EQ(SeqevalPrf(sentences, all_o, version).f1, 0.0);
  }
}

}  // namespace
}  // namespace xstilts
