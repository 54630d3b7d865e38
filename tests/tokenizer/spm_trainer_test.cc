#include "tokenizer/spm_trainer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/sentencepiece_model.h"

namespace xstilts {
namespace {

// The non-English side of each Tatoeba pair, tagged with its language (file suffix), plus the
// English sides of the German and French pairs: 15 languages with 1000 sentences, Thai with 548,
// English with 2000.
std::vector<LanguageSentence> TatoebaSentences(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    const std::string lang = entry.path().extension().string().substr(1);
    if (lang != "eng" || name == "tatoeba.deu-eng.eng" || name == "tatoeba.fra-eng.eng")
      files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  std::vector<LanguageSentence> sentences;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) {
      sentences.push_back({file.extension().string().substr(1), line});
    }
  }
  return sentences;
}

TEST(SpmTrainer, TrainingIsDeterministicAndLoadable) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(dir, "tatoeba/v1");
  const std::vector<LanguageSentence> sentences = TatoebaSentences(dir);
  ASSERT_EQ(sentences.size(), 17548u);
  SpmTrainOptions options;
  options.vocab_size = 4000;
  options.sample_size = 8000;
  options.sampling_alpha = 0.3;
  options.seed = 7;
  options.num_threads = 2;
  auto first = TrainSentencePiece(sentences, options);
  ASSERT_TRUE(first.ok()) << first.status().message();
  auto second = TrainSentencePiece(sentences, options);
  ASSERT_TRUE(second.ok()) << second.status().message();
  EXPECT_EQ(first->model_proto, second->model_proto);

  // n^0.3 / sum * 8000: 468.77 for each language with 1000 sentences, 577.12 for English (2000),
  // 391.37 for Thai (548). The 12 sentences left after rounding down go to the largest
  // remainders (.77), ties broken by name.
  ASSERT_EQ(first->sample.size(), 17u);
  std::string quotas;
  for (const auto& q : first->sample) quotas += q.language + "=" + std::to_string(q.quota) + " ";
  EXPECT_EQ(quotas,
            "ara=469 bul=469 cmn=469 deu=469 ell=469 eng=577 fra=469 heb=469 hin=469 ita=469 "
            "jpn=469 kor=469 nld=469 por=468 rus=468 spa=468 tha=391 ");

  auto model = SentencePieceModel::LoadBytes(first->model_proto, IdLayout::kFairseq, "trained");
  ASSERT_TRUE(model.ok()) << model.status().message();
  EXPECT_EQ(model->piece_size(), 4000);
  EXPECT_EQ(model->VocabSize(), 4002);
  for (const std::string text : {"Ich habe keine Zeit.", "I have no time.", "Я не знаю."}) {
    auto encoded = model->Encode(text);
    ASSERT_TRUE(encoded.ok());
    EXPECT_EQ(std::count(encoded->ids.begin(), encoded->ids.end(), 3), 0) << text;
    EXPECT_EQ(*model->Decode(encoded->ids), text);
  }

  options.seed = 8;
  auto other_seed = TrainSentencePiece(sentences, options);
  ASSERT_TRUE(other_seed.ok());
  EXPECT_NE(other_seed->model_proto, first->model_proto);
}

TEST(SpmTrainer, TrainsBpe) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(dir, "tatoeba/v1");
  SpmTrainOptions options;
  options.model_type = SpmModelType::kBpe;
  options.vocab_size = 3000;
  options.sample_size = 4000;
  auto trained = TrainSentencePiece(TatoebaSentences(dir), options);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  auto model = SentencePieceModel::LoadBytes(trained->model_proto, IdLayout::kSentencePiece);
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->piece_size(), 3000);
  auto again = TrainSentencePiece(TatoebaSentences(dir), options);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->model_proto, trained->model_proto);
}

TEST(SpmTrainer, KeepsUserDefinedSymbolsWhole) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "tatoeba/v1/tatoeba.deu-eng.deu");
  std::vector<LanguageSentence> sentences;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) sentences.push_back({"deu", line});
  SpmTrainOptions options;
  options.vocab_size = 600;
  options.user_defined_symbols = {"<de>", "<en>"};
  auto trained = TrainSentencePiece(sentences, options);
  ASSERT_TRUE(trained.ok()) << trained.status().message();
  auto model = SentencePieceModel::LoadBytes(trained->model_proto, IdLayout::kSentencePiece);
  ASSERT_TRUE(model.ok());
  EXPECT_EQ(model->PieceToId("<de>"), 3);
  EXPECT_EQ(model->PieceToId("<en>"), 4);
  auto pieces = model->EncodePieces("<de>Hallo");
  ASSERT_TRUE(pieces.ok());
  ASSERT_GE(pieces->pieces.size(), 2u);
  EXPECT_EQ(pieces->pieces[1], "<de>");
}

TEST(SpmTrainer, RejectsBadOptionsListingAll) {
  SpmTrainOptions options;
  options.vocab_size = 3;
  options.character_coverage = 1.5;
  options.sampling_alpha = -1;
  auto trained = TrainSentencePiece({{"en", "hello"}}, options);
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().kind(), ErrorKind::kInvalidInput);
  EXPECT_EQ(trained.status().message(),
            "sentencepiece training options: vocab_size must be > 3, got 3; character_coverage "
            "must be in (0, 1], got 1.5; sampling_alpha must be >= 0, got -1");
}

TEST(SpmTrainer, TooLargeVocabularyIsAnErrorNotACrash) {
  SpmTrainOptions options;
  options.vocab_size = 5000;
  auto trained = TrainSentencePiece({{"en", "a tiny corpus"}, {"en", "of two lines"}}, options);
  ASSERT_FALSE(trained.ok());
  EXPECT_EQ(trained.status().kind(), ErrorKind::kFailed);
  EXPECT_EQ(trained.status().message(),
            "sentencepiece training failed: Vocabulary size too high (5000). Please set it to a "
            "value <= 21.");
}

}  // namespace
}  // namespace xstilts
