// The fairseq / XLM-R id layout, checked against Hugging Face's XLMRobertaTokenizer: its test
// suite runs on the same fixture model (tests/fixtures/test_sentencepiece.model) and states the
// expected ids, which are reproduced here.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/sentencepiece_model.h"

namespace xstilts {
namespace {

SentencePieceModel Load(const std::filesystem::path& path, IdLayout layout) {
  auto model = SentencePieceModel::LoadFile(path.string(), layout);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return std::move(model).value();
}

TEST(FairseqLayout, MatchesHuggingFaceXlmRobertaOnItsFixture) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/hf_transformers/test_sentencepiece.model");
  const SentencePieceModel model = Load(path, IdLayout::kFairseq);
  // test_vocab_size / test_get_vocab: 1000 pieces + fairseq offset + <mask>.
  EXPECT_EQ(model.VocabSize(), 1002);
  EXPECT_EQ(*model.IdToPiece(0), "<s>");
  EXPECT_EQ(*model.IdToPiece(1), "<pad>");
  EXPECT_EQ(*model.IdToPiece(1001), "<mask>");
  // test_convert_token_and_id.
  EXPECT_EQ(model.PieceToId("<pad>"), 1);

  // test_full_tokenizer: [285, 46, 10, 170, 382] + fairseq_offset.
  auto a = model.EncodePieces("This is a test");
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->pieces, (std::vector<std::string>{"▁This", "▁is", "▁a", "▁t", "est"}));
  EXPECT_EQ(a->tokens.ids, (std::vector<int32_t>{286, 47, 11, 171, 383}));

  // "9" and "é" are not in the fixture: sentencepiece's <unk> (0) becomes fairseq's <unk> (3).
  auto b = model.EncodePieces("I was born in 92000, and this is falsé.");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->tokens.ids, (std::vector<int32_t>{9,   22, 85, 56, 25, 20, 8,  3, 603, 348, 348,
                                                 348, 4,  13, 67, 47, 73, 81, 7, 3,   5}));
  std::vector<std::string> back;
  for (int32_t id : b->tokens.ids) back.push_back(*model.IdToPiece(id));
  EXPECT_EQ(back, (std::vector<std::string>{"▁I",    "▁was", "▁b", "or", "n", "▁in",   "▁",
                                            "<unk>", "2",    "0",  "0",  "0", ",",     "▁and",
                                            "▁this", "▁is",  "▁f", "al", "s", "<unk>", "."}));
  // convert_tokens_to_ids of the pieces gives the same ids.
  for (size_t i = 0; i < b->pieces.size(); ++i) {
    EXPECT_EQ(model.PieceToId(b->pieces[i]), b->tokens.ids[i]) << b->pieces[i];
  }
}

TEST(FairseqLayout, SpecialsAndOffsetOnBpeModel) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel spm = Load(path, IdLayout::kSentencePiece);
  const SentencePieceModel fs = Load(path, IdLayout::kFairseq);
  EXPECT_EQ(fs.VocabSize(), 16002);
  EXPECT_EQ(fs.special_ids().bos, 0);
  EXPECT_EQ(fs.special_ids().pad, 1);
  EXPECT_EQ(fs.special_ids().eos, 2);
  EXPECT_EQ(fs.special_ids().unk, 3);
  EXPECT_EQ(fs.special_ids().mask, 16001);
  for (const char* name : {"<s>", "<pad>", "</s>", "<unk>", "<mask>"}) {
    EXPECT_EQ(*fs.IdToPiece(fs.PieceToId(name)), name);
  }
  EXPECT_EQ(fs.PieceToId("▁world"), 1042);  // sentencepiece 1041 + 1
  EXPECT_EQ(*fs.IdToPiece(1042), "▁world");
  EXPECT_EQ(*fs.IdToPiece(4), *spm.IdToPiece(3));          // the first normal piece
  EXPECT_EQ(*fs.IdToPiece(16000), *spm.IdToPiece(15999));  // the last one
  EXPECT_EQ(fs.PieceToId("not a piece"), 3);
  EXPECT_EQ(*fs.TypeOf(1), PieceType::kControl);
  EXPECT_EQ(*fs.TypeOf(16001), PieceType::kControl);
  EXPECT_EQ(*fs.TypeOf(3), PieceType::kUnknown);
  EXPECT_EQ(fs.IdToPiece(16002).status().message(),
            "id 16002 is outside the vocabulary [0, 16002)");

  const std::string text = "Hello wörld ☃, this is a test.";
  auto plain = spm.Encode(text);
  auto shifted = fs.Encode(text);
  ASSERT_TRUE(plain.ok() && shifted.ok());
  ASSERT_EQ(plain->size(), shifted->size());
  for (size_t i = 0; i < plain->size(); ++i) {
    EXPECT_EQ(shifted->ids[i], plain->ids[i] == 0 ? 3 : plain->ids[i] + 1) << i;
  }
  EXPECT_EQ(shifted->begins, plain->begins);
  EXPECT_EQ(shifted->ends, plain->ends);
}

TEST(FairseqLayout, DecodeDropsSpecials) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel fs = Load(path, IdLayout::kFairseq);
  auto e = fs.Encode("a test");
  ASSERT_TRUE(e.ok());
  std::vector<int32_t> ids = {0};  // <s>
  ids.insert(ids.end(), e->ids.begin(), e->ids.end());
  ids.push_back(16001);  // <mask>
  ids.push_back(2);      // </s>
  ids.push_back(1);      // <pad>
  EXPECT_EQ(*fs.Decode(ids), "a test");
}

TEST(FairseqLayout, IdMappingFunctions) {
  EXPECT_EQ(fairseq::FromSpm(0), 3);
  EXPECT_EQ(fairseq::FromSpm(1), 0);
  EXPECT_EQ(fairseq::FromSpm(2), 2);
  EXPECT_EQ(fairseq::FromSpm(3), 4);
  EXPECT_EQ(fairseq::FromSpm(249999), 250000);
  // XLM-R: 250000 pieces, <mask> = 250001, vocabulary 250002 (as in xlm-roberta-base).
  EXPECT_EQ(fairseq::MaskId(250000), 250001);
  EXPECT_EQ(fairseq::VocabSize(250000), 250002);
  for (int32_t spm_id = 0; spm_id < 100; ++spm_id) {
    EXPECT_EQ(fairseq::ToSpm(fairseq::FromSpm(spm_id), 100), spm_id);
  }
  EXPECT_EQ(fairseq::ToSpm(1, 100), std::nullopt);    // <pad>
  EXPECT_EQ(fairseq::ToSpm(101, 100), std::nullopt);  // <mask>
  EXPECT_EQ(fairseq::ToSpm(-1, 100), std::nullopt);
}

TEST(FairseqLayout, ParsesLayoutNames) {
  EXPECT_EQ(ParseIdLayout("fairseq"), IdLayout::kFairseq);
  EXPECT_EQ(ParseIdLayout("spm"), IdLayout::kSentencePiece);
  EXPECT_EQ(ParseIdLayout("xlmr"), std::nullopt);
}

}  // namespace
}  // namespace xstilts
