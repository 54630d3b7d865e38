// xstilts_tokenizer_bench: the C++ side of bench/tokenizer/run_tokenizer_bench.py.
//
//   xstilts_tokenizer_bench train --input corpus.tsv --output model.bin [--vocab-size N]
//       [--model-type bpe|unigram] [--sample-size N] [--alpha A] [--seed S] [--threads N]
//       corpus.tsv has one `language<TAB>sentence` per line.
//   xstilts_tokenizer_bench encode --model model.bin --input corpus.txt [--threads N]
//       [--repeat K] [--output PATH] [--format binary|text] [--layout spm|fairseq]
//       [--batch-bytes B] [--in-flight N]
//       Encodes every line (the whole file K times), writes the ids (binary int32, or text like
//       `spm_encode --output_format=id`), and prints one JSON line with counts, seconds and peak
//       RSS.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "tokenizer/line_reader.h"
#include "tokenizer/parallel_encoder.h"
#include "tokenizer/sentencepiece_model.h"
#include "tokenizer/spm_trainer.h"

namespace xstilts {
namespace {

using Args = std::map<std::string, std::string>;

Result<Args> ParseArgs(int argc, char** argv) {
  Args args;
  for (int i = 2; i < argc; ++i) {
    const std::string key = argv[i];
    if (key.rfind("--", 0) != 0 || i + 1 >= argc) {
      return Status::Error(ErrorKind::kInvalidInput, "expected --name value, got '" + key + "'");
    }
    args[key.substr(2)] = argv[++i];
  }
  return args;
}

std::string Get(const Args& args, const std::string& key, const std::string& fallback) {
  auto it = args.find(key);
  return it == args.end() ? fallback : it->second;
}

// VmHWM of this process image. (getrusage's ru_maxrss survives execve, so under a parent with a
// large heap it would report the parent's peak, not ours.)
long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

Status Train(const Args& args) {
  auto reader = LineReader::Open(Get(args, "input", ""));
  if (!reader.ok()) return reader.status();
  std::vector<LanguageSentence> sentences;
  std::string line;
  while (reader->Next(&line)) {
    const size_t tab = line.find('\t');
    if (tab == std::string::npos) continue;
    sentences.push_back({line.substr(0, tab), line.substr(tab + 1)});
  }
  XSTILTS_RETURN_IF_ERROR(reader->status());
  SpmTrainOptions options;
  options.model_type =
      Get(args, "model-type", "bpe") == "bpe" ? SpmModelType::kBpe : SpmModelType::kUnigram;
  options.vocab_size = std::stoi(Get(args, "vocab-size", "32000"));
  options.sample_size = std::stoul(Get(args, "sample-size", "0"));
  options.sampling_alpha = std::stod(Get(args, "alpha", "0.3"));
  options.seed = std::stoull(Get(args, "seed", "0"));
  options.num_threads = std::stoi(Get(args, "threads", "2"));
  const auto start = std::chrono::steady_clock::now();
  auto trained = TrainSentencePiece(sentences, options);
  if (!trained.ok()) return trained.status();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::ofstream(Get(args, "output", "model.bin"), std::ios::binary) << trained->model_proto;
  std::printf("{\"sentences\": %zu, \"sampled\": %zu, \"seconds\": %.3f}\n", sentences.size(),
              options.sample_size, seconds);
  return Status::Ok();
}

Status Encode(const Args& args) {
  const auto layout = ParseIdLayout(Get(args, "layout", "spm"));
  if (!layout) return Status::Error(ErrorKind::kInvalidInput, "--layout must be spm or fairseq");
  auto model = SentencePieceModel::LoadFile(Get(args, "model", ""), *layout);
  if (!model.ok()) return model.status();
  const std::string input = Get(args, "input", "");
  const int repeat = std::stoi(Get(args, "repeat", "1"));
  const bool text_format = Get(args, "format", "binary") == "text";
  ParallelEncodeOptions options;
  options.num_threads = std::stoi(Get(args, "threads", "0"));
  options.batch_bytes = std::stoul(Get(args, "batch-bytes", std::to_string(options.batch_bytes)));
  options.batches_in_flight = std::stoul(Get(args, "in-flight", "0"));

  std::FILE* out = std::fopen(Get(args, "output", "/dev/null").c_str(), "wb");
  if (out == nullptr) return Status::Error(ErrorKind::kIo, "cannot open --output");
  std::vector<char> out_buffer(1 << 20);
  std::setvbuf(out, out_buffer.data(), _IOFBF, out_buffer.size());

  int pass = 0;
  Result<LineReader> reader = LineReader::Open(input);
  if (!reader.ok()) return reader.status();
  auto read = [&](std::string* text) {
    while (!reader->Next(text)) {
      if (!reader->status().ok() || ++pass >= repeat) return false;
      reader = LineReader::Open(input);
      if (!reader.ok()) return false;
    }
    return true;
  };
  std::string line;
  auto write = [&](const EncodedText& t) {
    if (text_format) {
      line.clear();
      for (size_t i = 0; i < t.size; ++i) {
        if (i > 0) line += ' ';
        line += std::to_string(t.ids[i]);
      }
      line += '\n';
      std::fwrite(line.data(), 1, line.size(), out);
    } else {
      const auto n = static_cast<uint32_t>(t.size);
      std::fwrite(&n, sizeof(n), 1, out);
      std::fwrite(t.ids, sizeof(int32_t), t.size, out);
    }
    return Status::Ok();
  };
  const auto start = std::chrono::steady_clock::now();
  auto stats = EncodeStream(*model, read, write, options);
  std::fclose(out);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!stats.ok()) return stats.status();
  if (!reader.ok()) return reader.status();
  XSTILTS_RETURN_IF_ERROR(reader->status());
  std::printf(
      "{\"texts\": %llu, \"tokens\": %llu, \"bytes\": %llu, \"seconds\": %.4f, "
      "\"peak_rss_kb\": %ld}\n",
      static_cast<unsigned long long>(stats->texts), static_cast<unsigned long long>(stats->tokens),
      static_cast<unsigned long long>(stats->bytes), seconds, PeakRssKb());
  return Status::Ok();
}

}  // namespace
}  // namespace xstilts

int main(int argc, char** argv) {
  const std::string command = argc > 1 ? argv[1] : "";
  auto args = xstilts::ParseArgs(argc, argv);
  xstilts::Status status = args.status();
  if (args.ok()) {
    if (command == "train") {
      status = xstilts::Train(*args);
    } else if (command == "encode") {
      status = xstilts::Encode(*args);
    } else {
      status =
          xstilts::Status::Error(xstilts::ErrorKind::kInvalidInput,
                                 "usage: xstilts_tokenizer_bench train|encode --name value ...");
    }
  }
  if (!status.ok()) {
    std::fprintf(stderr, "xstilts_tokenizer_bench: %s\n", status.message().c_str());
    return 2;
  }
  return 0;
}
