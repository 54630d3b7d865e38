#include "tokenizer/sentencepiece_model.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/tokenizer/tokenizer_test_data.h"

namespace xstilts {
namespace {

SentencePieceModel LoadOrDie(const std::filesystem::path& path, IdLayout layout) {
  auto model = SentencePieceModel::LoadFile(path.string(), layout);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return std::move(model).value();
}

std::vector<std::string> Surfaces(std::string_view text, const Encoding& e) {
  std::vector<std::string> out;
  for (size_t i = 0; i < e.size(); ++i) {
    out.emplace_back(text.substr(e.begins[i], e.ends[i] - e.begins[i]));
  }
  return out;
}

std::filesystem::path TempFile(const std::string& name, const std::string& bytes) {
  const auto path = std::filesystem::temp_directory_path() / ("xstilts_tokenizer_" + name);
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(SentencePieceModel, EncodesLikeSentencePieceOnBpeModel) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = LoadOrDie(path, IdLayout::kSentencePiece);
  EXPECT_EQ(model.VocabSize(), 16000);
  const std::string text = "Hello world, this is a test.";
  auto pieces = model.EncodePieces(text);
  ASSERT_TRUE(pieces.ok()) << pieces.status().message();
  // Reference: python3-sentencepiece 0.1.97 on the same model.
  EXPECT_EQ(pieces->pieces, (std::vector<std::string>{"▁He", "ll", "o", "▁world", ",", "▁this",
                                                      "▁is", "▁a", "▁test", "."}));
  EXPECT_EQ(pieces->tokens.ids,
            (std::vector<int32_t>{966, 58, 12775, 1041, 12787, 232, 72, 6, 3970, 12788}));
  auto ids = model.Encode(text);
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(ids->ids, pieces->tokens.ids);
  EXPECT_EQ(Surfaces(text, *ids), (std::vector<std::string>{"He", "ll", "o", " world", ",", " this",
                                                            " is", " a", " test", "."}));
  auto decoded = model.Decode(ids->ids);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, text);
}

TEST(SentencePieceModel, RoundTripsEveryRealModel) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(dir, "spm");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"amr_nmt/sentencepiece.bpe.model", "The quick brown fox jumps over the lazy dog."},
      {"amr_nmt/onmt_sentencepiece.bpe.model", "The quick brown fox jumps over the lazy dog."},
      {"google_sentencepiece/test_model.model", "I saw a girl with a telescope."},
      {"hf_transformers/test_sentencepiece.model", "This is a test"},
      {"google_sentencepiece/test_ja_model.model", "吾輩は猫である。名前はまだ無い。"},
  };
  for (const auto& [file, text] : cases) {
    for (IdLayout layout : {IdLayout::kSentencePiece, IdLayout::kFairseq}) {
      SCOPED_TRACE(file + " " + IdLayoutName(layout));
      const SentencePieceModel model = LoadOrDie(dir / file, layout);
      auto encoded = model.Encode(text);
      ASSERT_TRUE(encoded.ok()) << encoded.status().message();
      EXPECT_GT(encoded->size(), 3u);
      auto decoded = model.Decode(encoded->ids);
      ASSERT_TRUE(decoded.ok()) << decoded.status().message();
      EXPECT_EQ(*decoded, text);
      // Spans tile the text without gaps or overlaps (none of these texts has extra spaces).
      uint32_t expected_begin = 0;
      for (size_t i = 0; i < encoded->size(); ++i) {
        EXPECT_EQ(encoded->begins[i], expected_begin) << "token " << i;
        expected_begin = encoded->ends[i];
      }
      EXPECT_EQ(expected_begin, text.size());
    }
  }
}

TEST(SentencePieceModel, OffsetsAreBytesOfTheOriginalText) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = LoadOrDie(path, IdLayout::kSentencePiece);
  // Leading and repeated spaces are normalized away, 'ö' is two bytes and '☃' three.
  const std::string text = "  Hello   wörld ☃!";
  auto e = model.Encode(text);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->ids, (std::vector<int32_t>{966, 58, 12775, 19, 536, 654, 12767, 0, 12840}));
  EXPECT_EQ(e->begins, (std::vector<uint32_t>{2, 4, 6, 7, 11, 14, 16, 17, 20}));
  EXPECT_EQ(Surfaces(text, *e),
            (std::vector<std::string>{"He", "ll", "o", "   w", "ör", "ld", " ", "☃", "!"}));
}

TEST(SentencePieceModel, JapaneseOffsetsCountBytes) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/google_sentencepiece/test_ja_model.model");
  const SentencePieceModel model = LoadOrDie(path, IdLayout::kSentencePiece);
  const std::string text = "吾輩は猫である。";
  auto e = model.Encode(text);
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->ids, (std::vector<int32_t>{6, 3973, 6019, 9, 6022, 24, 5}));
  // The leading "▁" has no source bytes.
  EXPECT_EQ(e->begins, (std::vector<uint32_t>{0, 0, 3, 6, 9, 12, 21}));
  EXPECT_EQ(e->ends, (std::vector<uint32_t>{0, 3, 6, 9, 12, 21, 24}));
}

TEST(SentencePieceModel, LoadsBackFromSerializedProto) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/google_sentencepiece/test_model.model");
  const SentencePieceModel model = LoadOrDie(path, IdLayout::kSentencePiece);
  const std::string bytes = model.SerializedProto();
  EXPECT_EQ(bytes.size(), std::filesystem::file_size(path));
  auto again = SentencePieceModel::LoadBytes(bytes, IdLayout::kSentencePiece);
  ASSERT_TRUE(again.ok()) << again.status().message();
  const std::string text = "I saw a girl with a telescope.";
  EXPECT_EQ(again->Encode(text)->ids,
            (std::vector<int32_t>{9, 459, 11, 939, 44, 11, 4, 142, 82, 8, 28, 21, 132, 6}));
  EXPECT_EQ(again->Encode(text)->ids, model.Encode(text)->ids);
}

TEST(SentencePieceModel, VocabularyLookups) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = LoadOrDie(path, IdLayout::kSentencePiece);
  EXPECT_EQ(model.PieceToId("▁world"), 1041);
  EXPECT_EQ(model.PieceToId("no such piece"), 0);
  EXPECT_EQ(*model.IdToPiece(1041), "▁world");
  EXPECT_EQ(*model.TypeOf(0), PieceType::kUnknown);
  EXPECT_EQ(*model.TypeOf(1), PieceType::kControl);
  EXPECT_EQ(*model.TypeOf(1041), PieceType::kNormal);
  EXPECT_EQ(model.special_ids().unk, 0);
  EXPECT_EQ(model.special_ids().bos, 1);
  EXPECT_EQ(model.special_ids().eos, 2);
  EXPECT_EQ(model.special_ids().pad, -1);
  EXPECT_EQ(model.special_ids().mask, -1);
  EXPECT_EQ(model.IdToPiece(16000).status().message(),
            "id 16000 is outside the vocabulary [0, 16000)");
  auto bad = model.Decode({5, 16000});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(bad.status().message(), "id 16000 at position 1 is outside the vocabulary [0, 16000)");
}

TEST(SentencePieceModel, MissingFileNamesTheFile) {
  const std::string path = "/nonexistent/dir/sentencepiece.bpe.model";
  auto model = SentencePieceModel::LoadFile(path, IdLayout::kFairseq);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(model.status().message(),
            path + ": cannot read sentencepiece model: No such file or directory");
}

TEST(SentencePieceModel, CorruptFileNamesTheFile) {
  const auto path = TempFile("corrupt.model", "this is not a protobuf \xff\xfe\x01");
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kSentencePiece);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(model.status().message(),
            path.string() + ": not a sentencepiece model: the bytes do not parse as a ModelProto");
  std::filesystem::remove(path);
}

TEST(SentencePieceModel, EmptyFileNamesTheFile) {
  const auto path = TempFile("empty.model", "");
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kSentencePiece);
  ASSERT_FALSE(model.ok());
  EXPECT_EQ(model.status().kind(), ErrorKind::kCorrupt);
  EXPECT_EQ(model.status().message(),
            path.string() + ": not a sentencepiece model: the file is empty");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace xstilts
