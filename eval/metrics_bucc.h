// BUCC 2018 bitext mining metrics, as XTREME computes them.
//
// Scoring a submission (evaluate.py bucc_f1): gold and predicted "src_id\ttrg_id" pairs are each
// made a set (duplicates count once); precision = |gold ∩ pred| / |pred|, recall = |gold ∩ pred| /
// |gold|, F1 their harmonic mean; all 0 when nothing is correct; reported times 100.
//
// Producing a submission (third_party/utils_retrieve.py): mined candidate pairs carry a margin
// score; a pair mined more than once keeps its highest score. bucc_optimize walks the candidates
// from the highest score down and picks the threshold halfway between the candidate where F1
// against the dev gold pairs peaks (first peak wins) and the next one; bucc_extract keeps every
// candidate with score >= threshold. XTREME picks the threshold on dev and extracts test with it.
// Pure functions and value types; any thread.
#pragma once

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "eval/metrics_seqeval.h"  // PrfScore

namespace xstilts {

using BuccPair = std::pair<std::string, std::string>;  // (source id, target id)

// evaluate.py bucc_f1 on pairs (duplicates allowed; they count once).
PrfScore BuccF1(const std::vector<BuccPair>& gold, const std::vector<BuccPair>& predicted);

struct ScoredCandidate {
  BuccPair pair;
  double score = 0;
};

// The candidate2score dict of utils_retrieve.py: one entry per pair, in first-seen order, holding
// the highest score seen for it.
class BuccCandidates {
 public:
  void Add(const BuccPair& pair, double score);
  const std::vector<ScoredCandidate>& items() const { return items_; }
  std::size_t size() const { return items_.size(); }

 private:
  std::vector<ScoredCandidate> items_;
  std::map<BuccPair, std::size_t> index_;
};

// read_sent2id: maps each sentence to its id; a sentence that occurs more than once is dropped
// (candidates mentioning it are then skipped). `ids` and `sentences` are parallel lines (extra
// lines of the longer list are ignored, as zip() does); both are compared after str.strip().
std::map<std::string, std::string> BuccSentenceToId(const std::vector<std::string>& ids,
                                                    const std::vector<std::string>& sentences);

// read_candidate2score: candidates given as (score, source sentence, target sentence) become id
// pairs through the two maps; candidates whose sentences are not mapped are skipped.
struct TextCandidate {
  double score = 0;
  std::string source;
  std::string target;
};
BuccCandidates BuccCandidatesFromText(const std::vector<TextCandidate>& candidates,
                                      const std::map<std::string, std::string>& source_ids,
                                      const std::map<std::string, std::string>& target_ids);

// bucc_optimize. Returns 0 when no candidate is correct. Where the F1 peak is the last candidate
// the script indexes past the end (IndexError); here the threshold is then that candidate's score,
// which extracts every candidate, as the peak asks for.
double BuccOptimizeThreshold(const BuccCandidates& candidates, const std::set<BuccPair>& gold);

// bucc_extract: the pairs with score >= threshold, in candidate order.
std::vector<BuccPair> BuccExtract(const BuccCandidates& candidates, double threshold);

struct BuccEvaluation {
  double threshold = 0;
  PrfScore score;  // percent
};
// bucc_eval with a gold file: the threshold is `threshold` when given, else optimised on `gold`;
// the extracted pairs are scored against `gold`.
BuccEvaluation BuccEvaluate(const BuccCandidates& candidates, const std::set<BuccPair>& gold,
                            std::optional<double> threshold = std::nullopt);

// The XTREME protocol: threshold optimised on the dev candidates against the dev gold pairs, then
// applied to the test candidates; the extracted test pairs are the submission.
struct BuccDevToTest {
  double threshold = 0;
  PrfScore dev;                     // dev score at that threshold
  std::vector<BuccPair> test_pairs;  // predictions to write for test
};
BuccDevToTest BuccSelectOnDevApplyToTest(const BuccCandidates& dev_candidates,
                                         const std::set<BuccPair>& dev_gold,
                                         const BuccCandidates& test_candidates);

}  // namespace xstilts
