// Training throughput of the xstilts encoder against the same architecture in plain PyTorch
// (peer_encoder.py, same LibTorch, same BLAS, same thread count), plus model FLOPs utilization.
//
//   encoder_bench [--threads N] [--python PYTHON] [--quick] [--check-only] [--only tiny|base]
//
// Prints, in one run: the measured fp32 matmul peak; a numerics check (the peer loads a model
// exported by xstilts with each kind of head, as its transformers class, and reproduces its logits); for the tiny and base configs the tokens/s of
// xstilts and of the peer and their ratio; MFU on base = 6 x params x tokens/s / peak.
// The peer runs as a child process whose training steps alternate with ours one for one, and
// throughput is taken from the median step, so a shared machine's background load hits both
// sides alike. Both processes run with OMP_WAIT_POLICY=PASSIVE (see runtime_env.h).
#include <dlfcn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "model/heads.h"
#include "model/hf_task_export.h"
#include "model/model_weights.h"
#include "model/runtime_env.h"
#include "model/trainer.h"

namespace xstilts {
namespace {

struct BenchConfig {
  const char* name;
  int64_t vocab, hidden, layers, heads, ffn, seq, batch, steps, warmup;
};

EncoderConfig ToEncoderConfig(const BenchConfig& b) {
  EncoderConfig c;
  c.vocab_size = b.vocab;
  c.hidden_size = b.hidden;
  c.num_hidden_layers = b.layers;
  c.num_attention_heads = b.heads;
  c.intermediate_size = b.ffn;
  c.max_position_embeddings = b.seq + 2;
  c.pad_token_id = 1;
  return c;
}

std::string Run(const std::string& command) {
  std::string out;
  FILE* pipe = popen(command.c_str(), "r");
  if (!pipe) return out;
  char buffer[4096];
  while (fgets(buffer, sizeof buffer, pipe)) out += buffer;
  pclose(pipe);
  return out;
}

double ParseValue(const std::string& text, const std::string& key) {
  auto at = text.find(key + "=");
  return at == std::string::npos ? -1.0 : std::atof(text.c_str() + at + key.size() + 1);
}

// Best of several large square products: the machine's fp32 matmul peak as this BLAS sees it.
double MatmulPeakFlops() {
  const int64_t n = 4096;
  torch::Tensor a = torch::randn({n, n}), b = torch::randn({n, n}), c = torch::empty({n, n});
  double best = 0;
  for (int i = 0; i < 4; ++i) {
    auto start = std::chrono::steady_clock::now();
    torch::mm_out(c, a, b);
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    best = std::max(best, 2.0 * n * n * n / seconds);
  }
  return best;
}

// The median step: robust to the odd step slowed by another process on a shared machine.
double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

struct CppResult {
  double tokens_per_second = 0;
  int64_t parameters = 0;
};

// The peer in `serve` mode as a child process: Step() runs one of its training steps and returns
// its duration, so peer steps interleave with ours and both see the same background load.
class PeerProcess {
 public:
  PeerProcess(const std::string& python, const std::string& script, const std::string& args) {
    int to_child[2], from_child[2];
    if (pipe(to_child) != 0 || pipe(from_child) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      dup2(to_child[0], 0);
      dup2(from_child[1], 1);
      close(to_child[1]);
      close(from_child[0]);
      const std::string command = python + " " + script + " serve" + args;
      execl("/bin/sh", "sh", "-c", command.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(to_child[0]);
    close(from_child[1]);
    in_ = fdopen(to_child[1], "w");
    out_ = fdopen(from_child[0], "r");
    ok_ = ReadLine() == "ready";
  }
  ~PeerProcess() {
    if (in_) {
      std::fputs("quit\n", in_);
      std::fclose(in_);
    }
    if (out_) std::fclose(out_);
    if (pid_ > 0) waitpid(pid_, nullptr, 0);
  }
  bool ok() const { return ok_; }
  double Step() {
    if (!ok_) return -1;
    std::fputs("step\n", in_);
    std::fflush(in_);
    const std::string line = ReadLine();
    return line.rfind("time=", 0) == 0 ? std::atof(line.c_str() + 5) : -1;
  }

 private:
  std::string ReadLine() {
    char buffer[256];
    if (!out_ || !std::fgets(buffer, sizeof buffer, out_)) return "";
    std::string line(buffer);
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
    return line;
  }
  pid_t pid_ = -1;
  FILE* in_ = nullptr;
  FILE* out_ = nullptr;
  bool ok_ = false;
};

// Trains the masked-LM model with the Trainer on one fixed random batch (15% of positions
// labelled, as the peer does) and returns tokens/s over the steps after warmup.
CppResult TrainCpp(const BenchConfig& b, int threads, bool labelled_only,
                   const std::function<void(int64_t step)>& after_step = nullptr) {
  torch::manual_seed(0);
  EncoderConfig config = ToEncoderConfig(b);
  auto model = std::make_shared<TaskModelImpl>(config, std::vector<TaskSpec>{{"mlm", TaskKind::kMaskedLm}});
  dynamic_cast<MaskedLmHeadImpl&>(model->head("mlm")).logits_for_labels_only = labelled_only;
  Batch batch;
  batch.input_ids = torch::randint(4, b.vocab, {b.batch, b.seq}, torch::kLong);
  batch.attention_mask = torch::ones_like(batch.input_ids);
  batch.labels = torch::where(torch::rand({b.batch, b.seq}) < 0.15, batch.input_ids,
                              torch::full_like(batch.input_ids, kIgnoreLabel));
  TensorBatchSource source(batch, b.batch, false, 0);
  TrainOptions options;
  options.learning_rate = 1e-4;
  options.max_steps = b.warmup + b.steps;
  options.num_threads = threads;
  options.device = "cpu";
  options.log_every_steps = 1;
  Trainer trainer(model, [model](const Batch& x) { return model->forward(x).loss; }, options);
  std::vector<double> step_seconds;
  trainer.set_progress_callback([&](const TrainProgress& p) {
    if (std::getenv("XSTILTS_BENCH_VERBOSE")) {
      std::printf("  [xstilts %s%s] step %ld: %.3f s\n", b.name, labelled_only ? " labelled-only" : "", (long)p.step,
                  b.batch * b.seq / p.tokens_per_second);
    }
    if (p.step > b.warmup) step_seconds.push_back(b.batch * b.seq / p.tokens_per_second);
    if (after_step) after_step(p.step);
  });
  auto result = trainer.Train(source);
  if (!result.ok()) {
    std::fprintf(stderr, "training failed: %s\n", result.status().message().c_str());
    return {};
  }
  CppResult out;
  out.tokens_per_second = b.batch * b.seq / Median(step_seconds);
  for (const auto& p : model->parameters()) out.parameters += p.numel();
  return out;
}

// Exports a tiny model with a `kind` head in its Hugging Face class, lets the peer load it as that
// class and recompute the logits; returns the max difference (-1 when the check could not run).
double CheckNumerics(const std::string& python, const std::string& script, TaskKind kind) {
  const std::string dir = (std::filesystem::temp_directory_path() / "xstilts_bench_numerics").string();
  std::filesystem::remove_all(dir);
  torch::manual_seed(1);
  EncoderConfig config = ToEncoderConfig({"tiny", 500, 64, 2, 4, 256, 16, 4, 0, 0});
  TaskModel model(config, std::vector<TaskSpec>{{"t", kind, 3}});
  {
    torch::NoGradGuard no_grad;
    for (auto& p : model->parameters()) p.add_(torch::randn_like(p) * 0.05);  // non-trivial LayerNorms and biases
  }
  model->eval();
  if (!ExportHfTaskCheckpoint(dir, model, "t").ok()) return -1;
  torch::Tensor ids = torch::randint(4, 500, {3, 16}, torch::kLong);
  torch::Tensor mask = torch::ones_like(ids);
  ids[1].slice(0, 10).fill_(1);
  mask[1].slice(0, 10).fill_(0);
  if (kind == TaskKind::kMultipleChoice) {  // 3 questions x 2 choices
    ids = torch::cat({ids, ids.flip(1)}).view({3, 2, 16});
    mask = torch::cat({mask, mask.flip(1)}).view({3, 2, 16});
  }
  torch::NoGradGuard no_grad;
  Batch batch;
  batch.task = "t";
  batch.input_ids = ids;
  batch.attention_mask = mask;
  const TaskOutput out = model->forward(batch);
  const torch::Tensor logits =
      kind == TaskKind::kQuestionAnswering ? torch::stack({out.start_logits, out.end_logits}, -1) : out.logits;
  if (!SaveTensors({{"input_ids", ids}, {"attention_mask", mask}, {"logits", logits}}, {}, dir + "/inputs.safetensors").ok()) {
    return -1;
  }
  std::string output = Run(python + " " + script + " check " + dir + " " + dir + "/inputs.safetensors 2>&1");
  double diff = ParseValue(output, "max_abs_diff");
  if (diff < 0) std::printf("peer check failed (%s): %s\n", TaskKindName(kind), output.c_str());
  std::filesystem::remove_all(dir);
  return diff;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string line;
  std::getline(in, line);
  return line.empty() ? "unknown\n" : line + "\n";
}

// OpenBLAS's own thread count (it keeps its own pthreads, one per core unless told otherwise).
int OpenBlasThreads() {
  using GetThreads = int (*)();
  auto get = reinterpret_cast<GetThreads>(dlsym(RTLD_DEFAULT, "openblas_get_num_threads"));
  return get ? get() : -1;
}

std::string FindPython(const std::string& requested) {
  std::vector<std::string> candidates;
  if (!requested.empty()) candidates.push_back(requested);
  if (const char* env = std::getenv("XSTILTS_PYTHON")) candidates.push_back(env);
  candidates.push_back("python3");
  candidates.push_back("/usr/bin/python3");  // Debian's, where python3-torch lives
  for (const std::string& c : candidates) {
    if (Run(c + " -c 'import torch; print(\"ok\")' 2>/dev/null").find("ok") != std::string::npos) return c;
  }
  return "";
}

int Main(int argc, char** argv) {
  int threads = 2;
  std::string python_arg;
  bool quick = false, check_only = false;
  std::string only;  // run one config ("tiny" / "base") and skip the peer, for profiling
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (arg == "--python" && i + 1 < argc) python_arg = argv[++i];
    else if (arg == "--quick") quick = true;
    else if (arg == "--check-only") check_only = true;
    else if (arg == "--only" && i + 1 < argc) only = argv[++i];
    else {
      std::fprintf(stderr, "usage: encoder_bench [--threads N] [--python PYTHON] [--quick] [--check-only] [--only tiny|base]\n");
      return 2;
    }
  }
  torch::set_num_threads(threads);
  const std::string script = std::string(XSTILTS_SOURCE_DIR) + "/bench/model/peer_encoder.py";
  const std::string python = FindPython(python_arg);
  if (python.empty()) {
    std::fprintf(stderr, "no python3 with torch found (install python3-torch or pass --python)\n");
    return 1;
  }
  std::printf("threads: Torch %d, OpenBLAS %d (both processes)   OMP_WAIT_POLICY=%s (both)   python: %s\n",
              threads, OpenBlasThreads(), std::getenv("OMP_WAIT_POLICY") ? std::getenv("OMP_WAIT_POLICY") : "unset",
              python.c_str());
  std::printf("tokens/s = batch x seq / median step time (forward, backward, clip, AdamW)\n");
  std::printf("load average at start: %s", LoadAverage().c_str());
  // The peak is measured again after the runs and the larger value kept: a busy moment at the
  // start must not inflate the utilization.
  double peak = MatmulPeakFlops();
  // Each head exported in its transformers class, reloaded by the peer under those names.
  bool numerics_ok = true;
  for (TaskKind kind : {TaskKind::kMaskedLm, TaskKind::kSequenceClassification, TaskKind::kTokenClassification,
                        TaskKind::kQuestionAnswering, TaskKind::kMultipleChoice}) {
    const double diff = CheckNumerics(python, script, kind);
    const bool ok = diff >= 0 && diff < 1e-4;
    numerics_ok = numerics_ok && ok;
    std::printf("numerics: peer reproduces xstilts %s logits from the exported checkpoint, max |diff| = %.2e (%s)\n",
                TaskKindName(kind), diff, ok ? "ok" : "MISMATCH");
  }
  if (check_only) return numerics_ok ? 0 : 1;

  const std::vector<BenchConfig> configs = {
      {"tiny", 8000, 128, 2, 2, 512, 64, 32, quick ? 4 : 15, 2},
      {"base", 30000, 768, 12, 12, 3072, 128, 8, quick ? 1 : 3, 1},
  };
  std::printf("\nfull logits: MLM logits at every position, the same computation as the peer (Hugging Face style)\n"
              "labelled-only: xstilts' default, logits only at the 15%% labelled positions (fairseq style)\n");
  std::printf("\n%-5s %20s %14s %7s %24s\n", "model", "xstilts full tok/s", "pytorch tok/s", "ratio",
              "xstilts labelled-only");
  for (const BenchConfig& b : configs) {
    if (!only.empty()) {
      if (only != b.name) continue;
      std::printf("%s: xstilts %.1f tok/s, labelled-only %.1f tok/s\n", b.name,
                  TrainCpp(b, threads, false).tokens_per_second, TrainCpp(b, threads, true).tokens_per_second);
      continue;
    }
    char args[256];
    std::snprintf(args, sizeof args,
                  " --vocab %ld --hidden %ld --layers %ld --heads %ld --ffn %ld --seq %ld --batch %ld --threads %d",
                  (long)b.vocab, (long)b.hidden, (long)b.layers, (long)b.heads, (long)b.ffn, (long)b.seq,
                  (long)b.batch, threads);
    PeerProcess peer_process(python, script, args);
    if (!peer_process.ok()) {
      std::fprintf(stderr, "the peer did not start: %s %s serve%s\n", python.c_str(), script.c_str(), args);
      return 1;
    }
    // After each of our steps the peer runs one of its own; its first `warmup` steps are not timed.
    std::vector<double> peer_seconds;
    int64_t peer_steps = 0;
    auto peer_step = [&](int64_t) {
      const double seconds = peer_process.Step();
      if (++peer_steps > b.warmup && seconds > 0) peer_seconds.push_back(seconds);
    };
    CppResult cpp = TrainCpp(b, threads, /*labelled_only=*/false, peer_step);
    CppResult sparse = TrainCpp(b, threads, /*labelled_only=*/true, peer_step);
    const double peer = peer_seconds.empty() ? -1 : b.batch * b.seq / Median(peer_seconds);
    std::printf("%-5s %20.1f %14.1f %6.2fx %16.1f (%.2fx)\n", b.name, cpp.tokens_per_second, peer,
                cpp.tokens_per_second / peer, sparse.tokens_per_second, sparse.tokens_per_second / peer);
    if (std::string(b.name) == "base") {
      peak = std::max(peak, MatmulPeakFlops());
      std::printf("fp32 matmul peak (4096^3 products, best of 8 before and after): %.1f GFLOP/s\n", peak / 1e9);
      const double achieved = 6.0 * cpp.parameters * cpp.tokens_per_second;
      std::printf("\nbase, full logits: %ld parameters; 6 x params x tokens/s = %.1f GFLOP/s = MFU %.1f%% of the measured peak\n",
                  (long)cpp.parameters, achieved / 1e9, 100.0 * achieved / peak);
    }
  }
  std::printf("load average at end: %s", LoadAverage().c_str());
  return 0;
}

}  // namespace
}  // namespace xstilts

int main(int argc, char** argv) {
  xstilts::ReexecWithPassiveOpenMpWait(argv);
  return xstilts::Main(argc, argv);
}
