#include "eval/metrics_seqeval.h"

#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>

namespace xstilts {

void PrintTo(const Chunk& c, std::ostream* os) {
  *os << "(" << c.type << ", " << c.begin << ", " << c.end << ")";
}

void PrintTo(SeqevalVersion version, std::ostream* os) { *os << SeqevalVersionName(version); }

namespace {

using Tags = std::vector<std::string>;
using Sentences = std::vector<Tags>;

constexpr SeqevalVersion kOld = SeqevalVersion::k0_0_12;
constexpr SeqevalVersion kNew = SeqevalVersion::k1_2_2;

std::vector<Chunk> Expect(std::initializer_list<Chunk> chunks) { return chunks; }

TEST(Seqeval, VersionNamesRoundTrip) {
  EXPECT_EQ(SeqevalVersionNames(), (std::vector<std::string>{"0.0.12", "1.2.2"}));
  EXPECT_EQ(kXtremeSeqevalVersion, kOld);
  for (const std::string& name : SeqevalVersionNames()) {
    ASSERT_TRUE(ParseSeqevalVersion(name).has_value()) << name;
    EXPECT_EQ(SeqevalVersionName(*ParseSeqevalVersion(name)), name);
  }
  EXPECT_FALSE(ParseSeqevalVersion("1.2").has_value());
  EXPECT_FALSE(ParseSeqevalVersion("").has_value());
}

// B-/I-/E-/S- tags with a type free of '-' read the same in both releases.
class SeqevalBoth : public ::testing::TestWithParam<SeqevalVersion> {};
INSTANTIATE_TEST_SUITE_P(Releases, SeqevalBoth, ::testing::Values(kOld, kNew), [](const auto& info) {
  return info.param == kOld ? "v0_0_12" : "v1_2_2";
});

TEST_P(SeqevalBoth, ChunksOfPlainBio) {
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-PER", "O", "B-LOC"}, GetParam()),
            Expect({{"PER", 0, 1}, {"LOC", 3, 3}}));
  // B after I of the same type starts a new chunk.
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-PER", "B-PER"}, GetParam()),
            Expect({{"PER", 0, 1}, {"PER", 2, 2}}));
}

TEST_P(SeqevalBoth, ChunkMayStartWithI) {
  // I- after O begins a chunk (non-strict mode); so does I- after a chunk of another type.
  EXPECT_EQ(GetEntities(Tags{"I-PER", "I-PER", "O", "I-LOC"}, GetParam()),
            Expect({{"PER", 0, 1}, {"LOC", 3, 3}}));
}

TEST_P(SeqevalBoth, TypeChangeEndsAndStartsChunks) {
  // B-PER then I-LOC: the type changes, so PER ends at 0 and LOC runs from 1 to 2.
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-LOC", "I-LOC"}, GetParam()),
            Expect({{"PER", 0, 0}, {"LOC", 1, 2}}));
}

TEST_P(SeqevalBoth, EndAndSingleTags) {
  EXPECT_EQ(GetEntities(Tags{"S-PER", "B-LOC", "E-LOC", "O"}, GetParam()),
            Expect({{"PER", 0, 0}, {"LOC", 1, 2}}));
}

TEST_P(SeqevalBoth, SentencesAreSeparatedByO) {
  // [["B-PER"], ["I-PER"]] joins to B-PER O I-PER O: two chunks, positions counted with the O.
  EXPECT_EQ(GetEntities(Sentences{{"B-PER"}, {"I-PER"}}, GetParam()),
            Expect({{"PER", 0, 0}, {"PER", 2, 2}}));
}

TEST_P(SeqevalBoth, ReadmeExampleScoresHalf) {
  // seqeval's own example: gold MISC(3,5) PER(8,9); predicted MISC(2,5) PER(8,9).
  // 1 correct of 2 predicted and 2 gold: P = R = F1 = 50%.
  const PrfScore s = SeqevalPrf(
      Sentences{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}},
      Sentences{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}},
      GetParam());
  EXPECT_EQ(s.num_correct, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 50.0);
  EXPECT_DOUBLE_EQ(s.recall, 50.0);
  EXPECT_DOUBLE_EQ(s.f1, 50.0);
}

TEST_P(SeqevalBoth, MicroAverageOverTypes) {
  // Gold: PER(0,1) LOC(3,3) | ORG(5,5) LOC(6,6).        4 chunks
  // Pred: PER(0,1) LOC(3,3) (I-LOC starts it) | MISC(5,5) O.  3 chunks, 2 correct.
  // P = 2/3, R = 2/4, F1 = 2PR/(P+R) = (2/3)/(7/6) = 4/7.
  const PrfScore s = SeqevalPrf(Sentences{{"B-PER", "I-PER", "O", "B-LOC"}, {"B-ORG", "B-LOC"}},
                                Sentences{{"B-PER", "I-PER", "O", "I-LOC"}, {"B-MISC", "O"}},
                                GetParam());
  EXPECT_EQ(s.num_gold, 4u);
  EXPECT_EQ(s.num_predicted, 3u);
  EXPECT_EQ(s.num_correct, 2u);
  EXPECT_NEAR(s.precision, 200.0 / 3, 1e-12);
  EXPECT_NEAR(s.recall, 50.0, 1e-12);
  EXPECT_NEAR(s.f1, 400.0 / 7, 1e-12);
}

TEST_P(SeqevalBoth, NoPredictedChunksScoresZero) {
  const PrfScore s = SeqevalPrf(Sentences{{"B-PER", "O"}}, Sentences{{"O", "O"}}, GetParam());
  EXPECT_EQ(s.num_predicted, 0u);
  EXPECT_EQ(s.precision, 0.0);
  EXPECT_EQ(s.recall, 0.0);
  EXPECT_EQ(s.f1, 0.0);
}

// seqeval 1.2.2: the type is what follows the first '-' after the prefix ('_' when empty).

TEST(Seqeval122, BareTagsGetTheUnderscoreType) {
  // "B" and "I" without a type have type "_" (chunk[1:] is empty).
  EXPECT_EQ(GetEntities(Tags{"B", "I", "O"}, kNew), Expect({{"_", 0, 1}}));
  // A bare I after O has the same type as the O ("_"), so only the O->I rule starts its chunk.
  EXPECT_EQ(GetEntities(Tags{"O", "I", "I"}, kNew), Expect({{"_", 1, 2}}));
}

TEST(Seqeval122, PosTagsSplitAfterTheFirstCharacter) {
  // UD-POS tags have no B-/I- prefix: "NOUN" is prefix N, type OUN. Equal neighbours merge.
  EXPECT_EQ(GetEntities(Tags{"NOUN", "NOUN", "VERB", "PUNCT"}, kNew),
            Expect({{"OUN", 0, 1}, {"ERB", 2, 2}, {"UNCT", 3, 3}}));
  // CCONJ and SCONJ share type "CONJ"; SCONJ's prefix S starts a chunk without ending the CCONJ
  // one, so the CCONJ token at 0 is in no chunk.
  EXPECT_EQ(GetEntities(Tags{"CCONJ", "SCONJ", "NOUN"}, kNew),
            Expect({{"CONJ", 1, 1}, {"OUN", 2, 2}}));
  // "X" has type "_", the same as the "O" appended after the sequence, so a trailing X chunk
  // never ends and is dropped; it is kept when a type change follows.
  EXPECT_EQ(GetEntities(Tags{"X", "X"}, kNew), Expect({}));
  EXPECT_EQ(GetEntities(Tags{"X", "NOUN"}, kNew), Expect({{"_", 0, 0}, {"OUN", 1, 1}}));
}

TEST(Seqeval122, TypeKeepsLaterDashes) {
  // "B-ART-WORK"[1:] = "-ART-WORK", split once at its first '-': type "ART-WORK".
  EXPECT_EQ(GetEntities(Tags{"B-ART-WORK", "I-ART-WORK", "O"}, kNew),
            Expect({{"ART-WORK", 0, 1}}));
}

TEST(Seqeval122, RejectsSentencesOfDifferentLength) {
  EXPECT_THROW(SeqevalPrf(Sentences{{"O", "O"}}, Sentences{{"O"}}, kNew), std::invalid_argument);
  EXPECT_THROW(SeqevalPrf(Sentences{{"O"}}, Sentences{{"O"}, {"O"}}, kNew), std::invalid_argument);
}

// seqeval 0.0.12: the type is the text after the last '-' of the whole tag, or the whole tag.

TEST(Seqeval0012, BareTagsAreTheirOwnType) {
  // "B" is (B, B) and "I" is (I, I): at the I the type changes, so the B chunk ends at 0 and an
  // I chunk starts at 1; the final O (type "O") ends it: (B,0,0) (I,1,1). 1.2.2 gives (_,0,1).
  EXPECT_EQ(GetEntities(Tags{"B", "I", "O"}, kOld), Expect({{"B", 0, 0}, {"I", 1, 1}}));
}

TEST(Seqeval0012, PosTagsAreWholeTypes) {
  // "NOUN" is prefix N, type NOUN. Equal neighbours still merge.
  EXPECT_EQ(GetEntities(Tags{"NOUN", "NOUN", "VERB", "PUNCT"}, kOld),
            Expect({{"NOUN", 0, 1}, {"VERB", 2, 2}, {"PUNCT", 3, 3}}));
  // CCONJ -> SCONJ changes the type, so CCONJ(0,0) ends there; SCONJ's prefix S ends it after
  // one token: (SCONJ,1,1); NOUN(2,2) is ended by the appended O (type "O" differs from NOUN).
  EXPECT_EQ(GetEntities(Tags{"CCONJ", "SCONJ", "NOUN"}, kOld),
            Expect({{"CCONJ", 0, 0}, {"SCONJ", 1, 1}, {"NOUN", 2, 2}}));
  // "X" has type X, not the O's type, so a trailing X chunk ends at the appended O: (X,0,1).
  EXPECT_EQ(GetEntities(Tags{"X", "X"}, kOld), Expect({{"X", 0, 1}}));
}

TEST(Seqeval0012, TypeIsAfterTheLastDash) {
  // "B-ART-WORK".split('-')[-1] = "WORK".
  EXPECT_EQ(GetEntities(Tags{"B-ART-WORK", "I-ART-WORK", "O"}, kOld), Expect({{"WORK", 0, 1}}));
  // So B-ART-WORK I-OBJ-WORK is one WORK chunk here, two chunks (ART-WORK, OBJ-WORK) in 1.2.2.
  EXPECT_EQ(GetEntities(Tags{"B-ART-WORK", "I-OBJ-WORK"}, kOld), Expect({{"WORK", 0, 1}}));
  EXPECT_EQ(GetEntities(Tags{"B-ART-WORK", "I-OBJ-WORK"}, kNew),
            Expect({{"ART-WORK", 0, 0}, {"OBJ-WORK", 1, 1}}));
}

TEST(Seqeval0012, AcceptsSentencesOfDifferentLength) {
  // 0.0.12 checks no shapes: each side is joined on its own and the chunks are compared as they
  // are. Gold O B-PER O | B-LOC O: PER(1,1) LOC(3,3). Predicted B-PER O | O B-LOC O: PER(0,0)
  // LOC(3,3). 1 correct of 2 and 2: P = R = F1 = 50.
  const PrfScore s = SeqevalPrf(Sentences{{"O", "B-PER"}, {"B-LOC"}},
                                Sentences{{"B-PER"}, {"O", "B-LOC"}}, kOld);
  EXPECT_EQ(s.num_correct, 1u);
  EXPECT_DOUBLE_EQ(s.f1, 50.0);
}

// The same UD-POS sentence scored by both releases (docs/scoring.md works it through).
TEST(SeqevalReleases, PosScoresDiffer) {
  const Sentences gold = {{"CCONJ", "SCONJ", "NOUN"}};
  const Sentences predicted = {{"SCONJ", "SCONJ", "NOUN"}};
  // 0.0.12: gold (CCONJ,0,0) (SCONJ,1,1) (NOUN,2,2); predicted (SCONJ,0,0) (SCONJ,1,1)
  // (NOUN,2,2), each S ending the chunk before it. 2 correct of 3 and 3: P = R = F1 = 2/3.
  const PrfScore old_release = SeqevalPrf(gold, predicted, kOld);
  EXPECT_EQ(old_release.num_gold, 3u);
  EXPECT_EQ(old_release.num_predicted, 3u);
  EXPECT_EQ(old_release.num_correct, 2u);
  EXPECT_NEAR(old_release.f1, 200.0 / 3, 1e-12);
  // 1.2.2: gold (CONJ,1,1) (OUN,2,2), the CCONJ lost; predicted (CONJ,0,0) (CONJ,1,1)
  // (OUN,2,2). 2 correct: P = 2/3, R = 2/2, F1 = 2 * (2/3) / (5/3) = 4/5.
  const PrfScore new_release = SeqevalPrf(gold, predicted, kNew);
  EXPECT_EQ(new_release.num_gold, 2u);
  EXPECT_EQ(new_release.num_predicted, 3u);
  EXPECT_EQ(new_release.num_correct, 2u);
  EXPECT_NEAR(new_release.precision, 200.0 / 3, 1e-12);
  EXPECT_NEAR(new_release.recall, 100.0, 1e-12);
  EXPECT_NEAR(new_release.f1, 80.0, 1e-12);
}

}  // namespace
}  // namespace xstilts
