// sentencepiece and LibTorch live in one process: this binary links LibTorch (and with it
// libprotobuf 3.21) while sentencepiece (with its protobuf-lite 3.14) is loaded through the
// module. Linking both directly crashes before main() (docs/tokenizer.md); this test keeps that
// from coming back unnoticed.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <fstream>
#include <string>

#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/parallel_encoder.h"
#include "tokenizer/sentencepiece_model.h"

namespace xstilts {
namespace {

bool Mapped(const std::string& library) {
  std::ifstream maps("/proc/self/maps");
  std::string line;
  while (std::getline(maps, line)) {
    if (line.find(library) != std::string::npos) return true;
  }
  return false;
}

TEST(TokenizerWithTorch, BothLibrariesWorkInOneProcess) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(path, "spm/amr_nmt/sentencepiece.bpe.model");
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kFairseq);
  ASSERT_TRUE(model.ok()) << model.status().message();

  // Both protobufs are really in this process.
  EXPECT_TRUE(Mapped("libprotobuf.so.32"));
  EXPECT_TRUE(Mapped("libsentencepiece.so.0"));
  EXPECT_TRUE(Mapped("libtorch_cpu.so"));

  auto encodings = EncodeAll(*model, {"Hello world, this is a test.", "A second sentence."},
                             ParallelEncodeOptions{2, 64, 1, 2});
  ASSERT_TRUE(encodings.ok()) << encodings.status().message();
  const std::vector<int32_t>& ids = (*encodings)[0].ids;
  ASSERT_EQ(ids.size(), 10u);

  torch::Tensor input = torch::tensor(std::vector<int64_t>(ids.begin(), ids.end()));
  // An embedding table whose row i is (i, 2i): the looked-up rows must sum to the ids' sums.
  torch::Tensor table =
      torch::arange(model->VocabSize(), torch::kFloat32).unsqueeze(1) * torch::tensor({1.f, 2.f});
  torch::Tensor embedded = torch::nn::functional::embedding(input, table);
  int64_t id_sum = 0;
  for (int32_t id : ids) id_sum += id;
  EXPECT_EQ(embedded.sizes(), (std::vector<int64_t>{10, 2}));
  EXPECT_EQ(embedded.sum(0)[0].item<float>(), static_cast<float>(id_sum));
  EXPECT_EQ(embedded.sum(0)[1].item<float>(), static_cast<float>(2 * id_sum));

  // A torch op between two sentencepiece calls, and sentencepiece again.
  auto decoded = model->Decode(ids);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(*decoded, "Hello world, this is a test.");
}

}  // namespace
}  // namespace xstilts
