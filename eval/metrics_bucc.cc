#include "eval/metrics_bucc.h"

#include <algorithm>

namespace xstilts {
namespace {

PrfScore PrfFromCounts(std::size_t num_correct, std::size_t num_predicted, std::size_t num_gold) {
  PrfScore score;
  score.num_correct = num_correct;
  score.num_predicted = num_predicted;
  score.num_gold = num_gold;
  if (num_correct > 0) {
    const double precision =
        static_cast<double>(num_correct) / static_cast<double>(num_predicted);
    const double recall = static_cast<double>(num_correct) / static_cast<double>(num_gold);
    const double f1 = 2 * precision * recall / (precision + recall);
    score.precision = precision * 100;
    score.recall = recall * 100;
    score.f1 = f1 * 100;
  }
  return score;
}

}  // namespace

PrfScore BuccF1(const std::vector<BuccPair>& gold, const std::vector<BuccPair>& predicted) {
  const std::set<BuccPair> gold_set(gold.begin(), gold.end());
  const std::set<BuccPair> pred_set(predicted.begin(), predicted.end());
  std::size_t correct = 0;
  for (const BuccPair& p : pred_set) correct += gold_set.count(p);
  return PrfFromCounts(correct, pred_set.size(), gold_set.size());
}

void BuccCandidates::Add(const BuccPair& pair, double score) {
  auto [it, inserted] = index_.emplace(pair, items_.size());
  if (inserted) {
    items_.push_back(ScoredCandidate{pair, score});
  } else {
    // max(score, old): Python's max keeps the first argument on ties.
    double& old = items_[it->second].score;
    old = std::max(score, old);
  }
}

std::map<std::string, std::string> BuccSentenceToId(const std::vector<std::string>& ids,
                                                    const std::vector<std::string>& sentences) {
  std::map<std::string, std::string> sent2id;
  std::set<std::string> repeated;
  const std::size_t n = std::min(ids.size(), sentences.size());
  for (std::size_t i = 0; i < n; ++i) {
    if (!sent2id.emplace(sentences[i], ids[i]).second) repeated.insert(sentences[i]);
  }
  for (const std::string& s : repeated) sent2id.erase(s);
  return sent2id;
}

BuccCandidates BuccCandidatesFromText(const std::vector<TextCandidate>& candidates,
                                      const std::map<std::string, std::string>& source_ids,
                                      const std::map<std::string, std::string>& target_ids) {
  BuccCandidates out;
  for (const TextCandidate& c : candidates) {
    auto src = source_ids.find(c.source);
    auto trg = target_ids.find(c.target);
    if (src == source_ids.end() || trg == target_ids.end()) continue;
    out.Add({src->second, trg->second}, c.score);
  }
  return out;
}

double BuccOptimizeThreshold(const BuccCandidates& candidates, const std::set<BuccPair>& gold) {
  std::vector<ScoredCandidate> items = candidates.items();
  // sorted(key=-score) is stable: equal scores keep candidate order.
  std::stable_sort(items.begin(), items.end(),
                   [](const ScoredCandidate& a, const ScoredCandidate& b) { return a.score > b.score; });
  const double ngold = static_cast<double>(gold.size());
  std::size_t nextract = 0;
  std::size_t ncorrect = 0;
  double threshold = 0;
  double best_f1 = 0;
  for (std::size_t i = 0; i < items.size(); ++i) {
    ++nextract;
    if (gold.count(items[i].pair) > 0) ++ncorrect;
    if (ncorrect > 0) {
      const double precision = static_cast<double>(ncorrect) / static_cast<double>(nextract);
      const double recall = static_cast<double>(ncorrect) / ngold;
      const double f1 = 2 * precision * recall / (precision + recall);
      if (f1 > best_f1) {
        best_f1 = f1;
        threshold = i + 1 < items.size() ? (items[i].score + items[i + 1].score) / 2
                                         : items[i].score;
      }
    }
  }
  return threshold;
}

std::vector<BuccPair> BuccExtract(const BuccCandidates& candidates, double threshold) {
  std::vector<BuccPair> pairs;
  for (const ScoredCandidate& c : candidates.items()) {
    if (c.score >= threshold) pairs.push_back(c.pair);
  }
  return pairs;
}

BuccEvaluation BuccEvaluate(const BuccCandidates& candidates, const std::set<BuccPair>& gold,
                            std::optional<double> threshold) {
  BuccEvaluation result;
  result.threshold = threshold ? *threshold : BuccOptimizeThreshold(candidates, gold);
  const std::vector<BuccPair> extracted = BuccExtract(candidates, result.threshold);
  std::size_t correct = 0;
  for (const BuccPair& p : extracted) correct += gold.count(p);
  // len(bitexts): the extracted list has no duplicates (one entry per candidate pair).
  result.score = PrfFromCounts(correct, extracted.size(), gold.size());
  return result;
}

BuccDevToTest BuccSelectOnDevApplyToTest(const BuccCandidates& dev_candidates,
                                         const std::set<BuccPair>& dev_gold,
                                         const BuccCandidates& test_candidates) {
  BuccDevToTest out;
  const BuccEvaluation dev = BuccEvaluate(dev_candidates, dev_gold);
  out.threshold = dev.threshold;
  out.dev = dev.score;
  out.test_pairs = BuccExtract(test_candidates, out.threshold);
  return out;
}

}  // namespace xstilts
