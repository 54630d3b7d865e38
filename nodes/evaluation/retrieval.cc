#include "nodes/evaluation/retrieval.h"

#include <algorithm>
#include <numeric>
#include <set>
#include <stdexcept>

namespace xstilts {
namespace {

void Check(const torch::Tensor& a, const torch::Tensor& b) {
  if (a.dim() != 2 || b.dim() != 2 || a.size(0) == 0 || b.size(0) == 0) {
    throw std::invalid_argument("retrieval needs two non-empty [N, H] embedding matrices");
  }
  if (a.size(1) != b.size(1)) throw std::invalid_argument("retrieval: embeddings of different widths");
}

// Margin scores of the k candidates of each query: [N, k].
torch::Tensor CandidateScores(const TopK& knn, const torch::Tensor& query_mean, const torch::Tensor& key_mean) {
  return knn.scores / ((query_mean.unsqueeze(1) + key_mean.index({knn.indices})) / 2);
}

}  // namespace

torch::Tensor NormalizeRows(const torch::Tensor& x) {
  return x / x.norm(2, 1, true).clamp_min(1e-12);
}

TopK BlockedTopK(const torch::Tensor& queries, const torch::Tensor& keys, int64_t k, int64_t block) {
  Check(queries, keys);
  torch::NoGradGuard no_grad;
  k = std::min(k, keys.size(0));
  block = std::max<int64_t>(block, 1);
  const torch::Tensor keys_t = keys.t().contiguous();
  std::vector<torch::Tensor> scores, indices;
  for (int64_t begin = 0; begin < queries.size(0); begin += block) {
    const torch::Tensor sim = torch::mm(queries.slice(0, begin, std::min(begin + block, queries.size(0))), keys_t);
    auto [s, i] = torch::topk(sim, k, 1, true, true);
    scores.push_back(s);
    indices.push_back(i);
  }
  return {torch::cat(scores), torch::cat(indices)};
}

std::vector<MinedPair> MineBitext(const torch::Tensor& x, const torch::Tensor& y, int64_t k, int64_t block) {
  Check(x, y);
  torch::NoGradGuard no_grad;
  const TopK x2y = BlockedTopK(x, y, k, block);
  const TopK y2x = BlockedTopK(y, x, k, block);
  const torch::Tensor x2y_mean = x2y.scores.mean(1), y2x_mean = y2x.scores.mean(1);
  const torch::Tensor fwd = CandidateScores(x2y, x2y_mean, y2x_mean);
  const torch::Tensor bwd = CandidateScores(y2x, y2x_mean, x2y_mean);
  auto [fwd_max, fwd_arg] = fwd.max(1);
  auto [bwd_max, bwd_arg] = bwd.max(1);
  const torch::Tensor fwd_best = x2y.indices.gather(1, fwd_arg.unsqueeze(1)).squeeze(1).to(torch::kCPU);
  const torch::Tensor bwd_best = y2x.indices.gather(1, bwd_arg.unsqueeze(1)).squeeze(1).to(torch::kCPU);
  const torch::Tensor scores = torch::cat({fwd_max, bwd_max}).to(torch::kCPU, torch::kDouble).contiguous();
  const int64_t nx = x.size(0), ny = y.size(0);
  std::vector<int64_t> src(static_cast<size_t>(nx + ny)), trg(static_cast<size_t>(nx + ny));
  auto fb = fwd_best.accessor<int64_t, 1>();
  auto bb = bwd_best.accessor<int64_t, 1>();
  for (int64_t i = 0; i < nx; ++i) src[i] = i, trg[i] = fb[i];
  for (int64_t j = 0; j < ny; ++j) src[nx + j] = bb[j], trg[nx + j] = j;
  const double* s = scores.data_ptr<double>();
  std::vector<int64_t> order(src.size());
  std::iota(order.begin(), order.end(), 0);
  // np.argsort(-scores) (quicksort, not stable): ties are ordered by position here.
  std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return s[a] > s[b]; });
  std::set<int64_t> seen_src, seen_trg;
  std::vector<MinedPair> out;
  for (int64_t i : order) {
    if (seen_src.count(src[i]) || seen_trg.count(trg[i])) continue;
    seen_src.insert(src[i]);
    seen_trg.insert(trg[i]);
    out.push_back({src[i], trg[i], s[i]});
  }
  return out;
}

}  // namespace xstilts
