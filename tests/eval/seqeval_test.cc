#include "eval/metrics_seqeval.h"

#include <gtest/gtest.h>

#include <ostream>
#include <stdexcept>

namespace xstilts {

void PrintTo(const Chunk& c, std::ostream* os) {
  *os << "(" << c.type << ", " << c.begin << ", " << c.end << ")";
}

namespace {

using Tags = std::vector<std::string>;
using Sentences = std::vector<Tags>;

std::vector<Chunk> Expect(std::initializer_list<Chunk> chunks) { return chunks; }

TEST(Seqeval, ChunksOfPlainBio) {
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-PER", "O", "B-LOC"}),
            Expect({{"PER", 0, 1}, {"LOC", 3, 3}}));
  // B after I of the same type starts a new chunk.
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-PER", "B-PER"}), Expect({{"PER", 0, 1}, {"PER", 2, 2}}));
}

TEST(Seqeval, ChunkMayStartWithI) {
  // I- after O begins a chunk (non-strict mode); so does I- after a chunk of another type.
  EXPECT_EQ(GetEntities(Tags{"I-PER", "I-PER", "O", "I-LOC"}),
            Expect({{"PER", 0, 1}, {"LOC", 3, 3}}));
}

TEST(Seqeval, TypeChangeEndsAndStartsChunks) {
  // B-PER then I-LOC: the type changes, so PER ends at 0 and LOC runs from 1 to 2.
  EXPECT_EQ(GetEntities(Tags{"B-PER", "I-LOC", "I-LOC"}), Expect({{"PER", 0, 0}, {"LOC", 1, 2}}));
}

TEST(Seqeval, EndAndSingleTags) {
  EXPECT_EQ(GetEntities(Tags{"S-PER", "B-LOC", "E-LOC", "O"}),
            Expect({{"PER", 0, 0}, {"LOC", 1, 2}}));
}

TEST(Seqeval, BareTagsGetTheUnderscoreType) {
  // "B" and "I" without a type have type "_" (chunk[1:] is empty).
  EXPECT_EQ(GetEntities(Tags{"B", "I", "O"}), Expect({{"_", 0, 1}}));
  // A bare I after O has the same type as the O ("_"), so only the O->I rule starts its chunk.
  EXPECT_EQ(GetEntities(Tags{"O", "I", "I"}), Expect({{"_", 1, 2}}));
}

TEST(Seqeval, PosTagsSplitAfterTheFirstCharacter) {
  // UD-POS tags have no B-/I- prefix: "NOUN" is prefix N, type OUN. Equal neighbours merge.
  EXPECT_EQ(GetEntities(Tags{"NOUN", "NOUN", "VERB", "PUNCT"}),
            Expect({{"OUN", 0, 1}, {"ERB", 2, 2}, {"UNCT", 3, 3}}));
  // CCONJ and SCONJ share type "CONJ"; SCONJ's prefix S starts a chunk without ending the CCONJ
  // one, so the CCONJ token at 0 is in no chunk.
  EXPECT_EQ(GetEntities(Tags{"CCONJ", "SCONJ", "NOUN"}), Expect({{"CONJ", 1, 1}, {"OUN", 2, 2}}));
  // "X" has type "_", the same as the "O" appended after the sequence, so a trailing X chunk
  // never ends and is dropped; it is kept when a type change follows.
  EXPECT_EQ(GetEntities(Tags{"X", "X"}), Expect({}));
  EXPECT_EQ(GetEntities(Tags{"X", "NOUN"}), Expect({{"_", 0, 0}, {"OUN", 1, 1}}));
}

TEST(Seqeval, SentencesAreSeparatedByO) {
  // [["B-PER"], ["I-PER"]] joins to B-PER O I-PER O: two chunks, positions counted with the O.
  EXPECT_EQ(GetEntities(Sentences{{"B-PER"}, {"I-PER"}}), Expect({{"PER", 0, 0}, {"PER", 2, 2}}));
}

TEST(Seqeval, ReadmeExampleScoresHalf) {
  // seqeval's own example: gold MISC(3,5) PER(8,9); predicted MISC(2,5) PER(8,9).
  // 1 correct of 2 predicted and 2 gold: P = R = F1 = 50%.
  const PrfScore s = SeqevalPrf(
      Sentences{{"O", "O", "O", "B-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}},
      Sentences{{"O", "O", "B-MISC", "I-MISC", "I-MISC", "I-MISC", "O"}, {"B-PER", "I-PER", "O"}});
  EXPECT_EQ(s.num_correct, 1u);
  EXPECT_DOUBLE_EQ(s.precision, 50.0);
  EXPECT_DOUBLE_EQ(s.recall, 50.0);
  EXPECT_DOUBLE_EQ(s.f1, 50.0);
}

TEST(Seqeval, MicroAverageOverTypes) {
  // Gold: PER(0,1) LOC(3,3) | ORG(5,5) LOC(6,6).        4 chunks
  // Pred: PER(0,1) LOC(3,3) (I-LOC starts it) | MISC(5,5) O.  3 chunks, 2 correct.
  // P = 2/3, R = 2/4, F1 = 2PR/(P+R) = (2/3)/(7/6) = 4/7.
  const PrfScore s = SeqevalPrf(Sentences{{"B-PER", "I-PER", "O", "B-LOC"}, {"B-ORG", "B-LOC"}},
                                Sentences{{"B-PER", "I-PER", "O", "I-LOC"}, {"B-MISC", "O"}});
  EXPECT_EQ(s.num_gold, 4u);
  EXPECT_EQ(s.num_predicted, 3u);
  EXPECT_EQ(s.num_correct, 2u);
  EXPECT_NEAR(s.precision, 200.0 / 3, 1e-12);
  EXPECT_NEAR(s.recall, 50.0, 1e-12);
  EXPECT_NEAR(s.f1, 400.0 / 7, 1e-12);
}

TEST(Seqeval, NoPredictedChunksScoresZero) {
  const PrfScore s = SeqevalPrf(Sentences{{"B-PER", "O"}}, Sentences{{"O", "O"}});
  EXPECT_EQ(s.num_predicted, 0u);
  EXPECT_EQ(s.precision, 0.0);
  EXPECT_EQ(s.recall, 0.0);
  EXPECT_EQ(s.f1, 0.0);
}

TEST(Seqeval, RejectsSentencesOfDifferentLength) {
  EXPECT_THROW(SeqevalPrf(Sentences{{"O", "O"}}, Sentences{{"O"}}), std::invalid_argument);
  EXPECT_THROW(SeqevalPrf(Sentences{{"O"}}, Sentences{{"O"}, {"O"}}), std::invalid_argument);
}

}  // namespace
}  // namespace xstilts
