// Sentence retrieval on embeddings, as XTREME's utils_retrieve.py does it: cosine similarity
// through blocked matrix products and top-k (never pairwise loops), Tatoeba top-1 search and
// BUCC bitext mining with the ratio margin over k nearest neighbours in both directions.
//
// Torch header. Inputs are float [N, H] tensors on one device; rows are L2-normalised by
// NormalizeRows (cosine = dot product). Functions are pure; they throw std::invalid_argument for
// empty inputs or differing widths.
#pragma once

#include <torch/torch.h>

#include <cstdint>
#include <vector>

namespace xstilts {

// Each row divided by its L2 norm (rows of norm 0 stay 0).
torch::Tensor NormalizeRows(const torch::Tensor& x);

struct TopK {
  torch::Tensor scores;   // [N, k] float, best first
  torch::Tensor indices;  // [N, k] int64 rows of `keys`
};
// The k most similar rows of `keys` for every row of `queries` (dot products), computed
// `block` query rows at a time: memory is block x keys rows, not N x M. k is capped at M.
TopK BlockedTopK(const torch::Tensor& queries, const torch::Tensor& keys, int64_t k, int64_t block = 4096);

struct MinedPair {
  int64_t source = 0;  // row of x
  int64_t target = 0;  // row of y
  double score = 0;    // ratio margin
};
// mine_bitext(mode=mine, retrieval=max, margin=ratio): candidates from both directions scored
// cos(x, y) / ((mean of x's k best + mean of y's k best) / 2), each source's and each target's
// best candidate, visited by descending score keeping a pair only when neither its source nor
// its target was taken before (duplicates removed). No threshold: the caller picks it.
std::vector<MinedPair> MineBitext(const torch::Tensor& x, const torch::Tensor& y, int64_t k, int64_t block = 4096);

}  // namespace xstilts
