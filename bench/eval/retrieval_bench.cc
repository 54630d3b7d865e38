// Retrieval time of the retrieve node's core (nodes/evaluation/retrieval.h): top-k cosine search
// of N random d-dimensional sentence embeddings against N others, blocked matrix products.
// Prints one line per measurement: `xstilts <what> <seconds>`; bench/eval/run.sh compares with
// peer_retrieval.py.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include <torch/torch.h>

#include "nodes/evaluation/retrieval.h"

int main(int argc, char** argv) {
  int64_t n = 10000, dim = 768, threads = 2, repeats = 3;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string flag = argv[i];
    const int64_t value = std::atoll(argv[i + 1]);
    if (flag == "--n") n = value;
    if (flag == "--dim") dim = value;
    if (flag == "--threads") threads = value;
    if (flag == "--repeats") repeats = value;
  }
  torch::set_num_threads(static_cast<int>(threads));
  torch::manual_seed(0);
  const torch::Tensor x = xstilts::NormalizeRows(torch::randn({n, dim}));
  const torch::Tensor y = xstilts::NormalizeRows(torch::randn({n, dim}));
  auto time = [&](const char* what, auto&& f) {
    double best = 1e30;
    for (int64_t r = 0; r < repeats; ++r) {
      const auto start = std::chrono::steady_clock::now();
      f();
      best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    std::printf("xstilts %s %.4f\n", what, best);
  };
  time("top1", [&] { xstilts::BlockedTopK(x, y, 1, 4096); });
  time("mine_k4", [&] { xstilts::MineBitext(x, y, 4, 4096); });
  return 0;
}
