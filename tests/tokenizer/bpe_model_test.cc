// BpeModel: Hugging Face's own RoBERTa tokenizer test on its toy files, a RoBERTa-shaped toy
// vocabulary (bpe_test_vocab.h) with ids from a Python port of GPT-2's encoder.py, offsets,
// non-ASCII text and pre-split words.
#include "tokenizer/bpe_model.h"

#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/tokenizer/bpe_test_vocab.h"

namespace xstilts {
namespace {

// tests/models/roberta/test_tokenization_roberta.py in huggingface/transformers (setUp).
BpeModel HuggingFaceToy() {
  const char* vocab =
      "{\"l\": 0, \"o\": 1, \"w\": 2, \"e\": 3, \"r\": 4, \"s\": 5, \"t\": 6, \"i\": 7, \"d\": 8, \"n\": 9,"
      " \"\\u0120\": 10, \"\\u0120l\": 11, \"\\u0120n\": 12, \"\\u0120lo\": 13, \"\\u0120low\": 14, \"er\": 15,"
      " \"\\u0120lowest\": 16, \"\\u0120newer\": 17, \"\\u0120wider\": 18, \"<unk>\": 19}\n";
  const char* merges = "#version: 0.2\n\xC4\xA0 l\n\xC4\xA0l o\n\xC4\xA0lo w\ne r\n";
  return BpeModel::Load(vocab, merges, "vocab.json", "merges.txt");
}

BpeModel RobertaToy() {
  return BpeModel::Load(testing::TestVocabJson(), testing::TestMergesTxt(), "vocab.json", "merges.txt");
}

std::vector<std::string> Pieces(const BpeModel& model, const Encoding& e) {
  std::vector<std::string> pieces;
  for (int32_t id : e.ids) pieces.push_back(*model.IdToPiece(id));
  return pieces;
}

using Ids = std::vector<int32_t>;
using Offsets = std::vector<uint32_t>;

TEST(BpeModel, HuggingFaceRobertaToyTokens) {
  const BpeModel model = HuggingFaceToy();
  const Encoding e = *model.Encode("lower newer");
  // test_full_tokenizer: tokens and ids.
  EXPECT_EQ(Pieces(model, e), (std::vector<std::string>{"l", "o", "w", "er", "\xC4\xA0", "n", "e", "w", "er"}));
  EXPECT_EQ(e.ids, (Ids{0, 1, 2, 15, 10, 9, 3, 2, 15}));
  EXPECT_EQ(model.PieceToId("<unk>"), 19);
  EXPECT_EQ(model.PieceToId("nothing"), 19);
  EXPECT_EQ(model.special_ids().unk, 19);
  EXPECT_EQ(model.special_ids().bos, -1);
  EXPECT_EQ(model.VocabSize(), 20);
  EXPECT_EQ(model.merge_count(), 4);
  // With the space in front the merges apply.
  EXPECT_EQ(model.Encode(" lower")->ids, (Ids{14, 15}));
}

TEST(BpeModel, OffsetsAreBytesOfTheText) {
  const Encoding e = *HuggingFaceToy().Encode("lower newer");
  EXPECT_EQ(e.begins, (Offsets{0, 1, 2, 3, 5, 6, 7, 8, 9}));
  EXPECT_EQ(e.ends, (Offsets{1, 2, 3, 5, 6, 7, 8, 9, 11}));
  const Encoding s = *RobertaToy().Encode("The cat sat on the mat.");
  EXPECT_EQ(s.ids, (Ids{270, 265, 267, 269, 262, 274, 50}));
  EXPECT_EQ(s.begins, (Offsets{0, 3, 7, 11, 14, 18, 22}));  // " cat" covers its space
  EXPECT_EQ(s.ends, (Offsets{3, 7, 11, 14, 18, 22, 23}));
}

TEST(BpeModel, RobertaSpecialsComeFromVocabJson) {
  const BpeModel model = RobertaToy();
  const SpecialIds& ids = model.special_ids();
  EXPECT_EQ(ids.bos, 0);
  EXPECT_EQ(ids.pad, 1);
  EXPECT_EQ(ids.eos, 2);
  EXPECT_EQ(ids.unk, 3);
  EXPECT_EQ(ids.mask, 275);
  EXPECT_EQ(model.VocabSize(), 276);
  EXPECT_EQ(*model.IdToPiece(275), "<mask>");
  EXPECT_EQ(model.IdToPiece(276).status().message(), "id 276 is outside the vocabulary [0, 276)");
  EXPECT_STREQ(model.id_layout_name(), "vocab_json");
}

TEST(BpeModel, NonAsciiRoundTripsThroughBytes) {
  const BpeModel model = RobertaToy();
  const std::string text = "caf\xC3\xA9 \xE4\xB8\xAD\xE6\x96\x87 \xF0\x9F\x98\x80";  // café 中文 😀
  const Encoding e = *model.Encode(text);
  EXPECT_EQ(e.ids, (Ids{103, 101, 106, 272, 36, 232, 188, 177, 234, 154, 139, 36, 244, 163, 156, 132}));
  // "é" is one token of two bytes; every other token here is one byte.
  EXPECT_EQ(e.begins[3], 3u);
  EXPECT_EQ(e.ends[3], 5u);
  EXPECT_EQ(e.ends.back(), text.size());
  EXPECT_EQ(*model.Decode(e.ids), text);
  EXPECT_EQ(*model.Decode({0, 270, 265, 2, 1, 275}), "The cat");  // specials decode to nothing
  EXPECT_EQ(model.Decode({276}).status().message(), "id 276 at position 0 is outside the vocabulary [0, 276)");
}

TEST(BpeModel, WhitespaceRunsAndContractions) {
  const BpeModel model = RobertaToy();
  // "cats  sat\n": the run of two spaces gives its second space to " sat".
  EXPECT_EQ(model.Encode("cats  sat\n")->ids, (Ids{271, 119, 36, 267, 14}));
  // "'s" is a piece of its own: no merge can join it to the word before.
  EXPECT_EQ(model.Encode("It's")->ids, (Ids{77, 120, 43, 119}));
  const Encoding e = *model.Encode("It's");
  EXPECT_EQ(e.begins, (Offsets{0, 1, 2, 3}));
}

TEST(BpeModel, WordsGetASpaceThatNoSpanCovers) {
  const BpeModel model = RobertaToy();
  Encoding e;
  ASSERT_TRUE(model.EncodeWordAppend("cat", &e).ok());
  ASSERT_TRUE(model.EncodeWordAppend("sat", &e).ok());
  EXPECT_EQ(e.ids, (Ids{265, 267}));  // "Ġcat", "Ġsat": as " cat", " sat"
  EXPECT_EQ(e.begins, (Offsets{0, 0}));
  EXPECT_EQ(e.ends, (Offsets{3, 3}));
  e.clear();
  // A word that starts with whitespace gets no second space; an empty word no token.
  ASSERT_TRUE(model.EncodeWordAppend(" cat", &e).ok());
  ASSERT_TRUE(model.EncodeWordAppend("", &e).ok());
  EXPECT_EQ(e.ids, (Ids{265}));
  EXPECT_EQ(e.ends, (Offsets{4}));
}

TEST(BpeModel, ByteWithoutSymbolIsUnknown) {
  // Only "a", "b" and <unk>: other bytes have no symbol.
  const BpeModel model = BpeModel::Load("{\"a\": 0, \"b\": 1, \"<unk>\": 2}", "", "v", "m");
  EXPECT_EQ(model.Encode("ab!")->ids, (Ids{0, 1, 2}));
  const BpeModel no_unk = BpeModel::Load("{\"a\": 0}", "", "v", "m");
  EXPECT_EQ(no_unk.Encode("a!").status().message(), "byte 33 at offset 1 has no symbol in vocab.json, which has no <unk>");
}

TEST(BpeModel, CachedWordsAndThreadsGiveTheSameTokens) {
  const BpeModel model = RobertaToy();
  const std::string text = "The cat sat on the mat. The cat sat on the mat, caf\xC3\xA9.";
  const Encoding first = *model.Encode(text);
  std::vector<Encoding> results(4);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < results.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k) results[t] = *model.Encode(text);
    });
  }
  for (std::thread& t : threads) t.join();
  for (const Encoding& r : results) {
    EXPECT_EQ(r.ids, first.ids);
    EXPECT_EQ(r.begins, first.begins);
  }
}

}  // namespace
}  // namespace xstilts
