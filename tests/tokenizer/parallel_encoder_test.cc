#include "tokenizer/parallel_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "tests/tokenizer/tokenizer_test_data.h"
#include "tokenizer/line_reader.h"

namespace xstilts {
namespace {

// Every line of the Tatoeba test files: 32 files, 16 languages, about 32k sentences.
std::vector<std::string> TatoebaLines(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) files.push_back(entry.path());
  std::sort(files.begin(), files.end());
  std::vector<std::string> lines;
  for (const auto& file : files) {
    std::ifstream in(file);
    std::string line;
    while (std::getline(in, line)) lines.push_back(line);
  }
  return lines;
}

SentencePieceModel Load(const std::filesystem::path& path) {
  auto model = SentencePieceModel::LoadFile(path.string(), IdLayout::kFairseq);
  EXPECT_TRUE(model.ok()) << model.status().message();
  return std::move(model).value();
}

void ExpectSame(const std::vector<Encoding>& a, const std::vector<Encoding>& b) {
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    ASSERT_EQ(a[i].ids, b[i].ids) << "text " << i;
    ASSERT_EQ(a[i].begins, b[i].begins) << "text " << i;
    ASSERT_EQ(a[i].ends, b[i].ends) << "text " << i;
  }
}

TEST(ParallelEncoder, EqualsSerialEncodingFor1And2And4Threads) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(dir, "tatoeba/v1");
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, "spm/amr_nmt/sentencepiece.bpe.model");
  const std::vector<std::string> texts = TatoebaLines(dir);
  ASSERT_GT(texts.size(), 30000u);
  const SentencePieceModel model = Load(model_path);

  std::vector<Encoding> serial(texts.size());
  for (size_t i = 0; i < texts.size(); ++i) {
    auto e = model.Encode(texts[i]);
    ASSERT_TRUE(e.ok());
    serial[i] = std::move(e).value();
  }
  for (int threads : {1, 2, 4}) {
    for (size_t batch_bytes : {size_t{1}, size_t{700}, size_t{64 * 1024}}) {
      SCOPED_TRACE(std::to_string(threads) + " threads, batch_bytes " +
                   std::to_string(batch_bytes));
      ParallelEncodeOptions options;
      options.num_threads = threads;
      options.batch_bytes = batch_bytes;
      auto parallel = EncodeAll(model, texts, options);
      ASSERT_TRUE(parallel.ok()) << parallel.status().message();
      ExpectSame(*parallel, serial);
    }
  }
}

TEST(ParallelEncoder, ReaderStaysWithinTheBatchesInFlight) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = Load(model_path);
  ParallelEncodeOptions options;
  options.num_threads = 2;
  options.batch_texts = 10;
  options.batches_in_flight = 3;
  options.batch_bytes = 1 << 20;
  const uint64_t total = 20000;
  uint64_t read = 0;
  std::atomic<uint64_t> written{0};
  uint64_t most_ahead = 0;
  auto reader = [&](std::string* text) {
    if (read == total) return false;
    *text = "sentence number " + std::to_string(read++);
    // The writer may run concurrently; a stale `written` can only make the gap look larger.
    most_ahead = std::max(most_ahead, read - written);
    return true;
  };
  std::vector<uint64_t> order;
  auto writer = [&](const EncodedText& t) {
    order.push_back(t.index);
    EXPECT_EQ(t.text, "sentence number " + std::to_string(t.index));
    ++written;
    return Status::Ok();
  };
  auto stats = EncodeStream(model, reader, writer, options);
  ASSERT_TRUE(stats.ok()) << stats.status().message();
  EXPECT_EQ(stats->texts, total);
  ASSERT_EQ(order.size(), total);
  for (uint64_t i = 0; i < total; ++i) ASSERT_EQ(order[i], i);
  // At most batches_in_flight batches of batch_texts texts are between reader and writer.
  EXPECT_LE(most_ahead, options.batches_in_flight * options.batch_texts);
}

TEST(ParallelEncoder, WriterErrorStopsTheStream) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = Load(model_path);
  ParallelEncodeOptions options;
  options.num_threads = 2;
  options.batch_texts = 4;
  options.batches_in_flight = 2;
  uint64_t read = 0;
  auto reader = [&](std::string* text) {
    if (read == 1000000) return false;
    ++read;
    *text = "text";
    return true;
  };
  uint64_t written = 0;
  auto writer = [&](const EncodedText& t) {
    if (t.index == 5) return Status::Error(ErrorKind::kIo, "disk full");
    ++written;
    return Status::Ok();
  };
  auto stats = EncodeStream(model, reader, writer, options);
  ASSERT_FALSE(stats.ok());
  EXPECT_EQ(stats.status().kind(), ErrorKind::kIo);
  EXPECT_EQ(stats.status().message(), "text 5: disk full");
  EXPECT_EQ(written, 5u);
  EXPECT_LT(read, 100u);
}

TEST(ParallelEncoder, EmptyInputAndEmptyTexts) {
  XSTILTS_TOKENIZER_DATA_OR_SKIP(model_path, "spm/amr_nmt/sentencepiece.bpe.model");
  const SentencePieceModel model = Load(model_path);
  auto none = EncodeAll(model, {});
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto blanks = EncodeAll(model, {"", "a", ""});
  ASSERT_TRUE(blanks.ok());
  ASSERT_EQ(blanks->size(), 3u);
  EXPECT_TRUE((*blanks)[0].ids.empty());
  EXPECT_FALSE((*blanks)[1].ids.empty());
  EXPECT_TRUE((*blanks)[2].ids.empty());
}

TEST(LineReader, SplitsLinesAndDropsLineEnds) {
  const auto path = std::filesystem::temp_directory_path() / "xstilts_tokenizer_lines.txt";
  std::ofstream(path, std::ios::binary) << "first\r\nsecond\n\nlast without newline";
  auto reader = LineReader::Open(path.string());
  ASSERT_TRUE(reader.ok());
  std::vector<std::string> lines;
  std::string line;
  while (reader->Next(&line)) lines.push_back(line);
  EXPECT_TRUE(reader->status().ok());
  EXPECT_EQ(lines, (std::vector<std::string>{"first", "second", "", "last without newline"}));
  EXPECT_EQ(reader->line_number(), 4u);
  std::filesystem::remove(path);
}

TEST(LineReader, MissingFileNamesIt) {
  auto reader = LineReader::Open("/nonexistent/corpus.txt");
  ASSERT_FALSE(reader.ok());
  EXPECT_EQ(reader.status().kind(), ErrorKind::kNotFound);
  EXPECT_EQ(reader.status().message(),
            "/nonexistent/corpus.txt: cannot open: No such file or directory");
}

}  // namespace
}  // namespace xstilts
