// Entity-level micro precision / recall / F1 over tag sequences, exactly as seqeval's default
// (non-strict) mode computes them (seqeval.metrics.sequence_labeling: get_entities, f1_score,
// precision_score, recall_score), which XTREME's evaluate.py uses for PAN-X (WikiANN NER) and
// UD-POS.
//
// Chunking follows seqeval, including its lenient cases:
//   - a tag's first character is its prefix and the type is what follows the first '-' after it
//     (or the rest of the tag when there is no '-'; '_' when that is empty): "B-PER" -> (B, PER),
//     "NOUN" -> (N, OUN), "O" -> (O, _);
//   - a chunk starts at B/S, at E or I after O/E/S, and wherever the type changes (so a chunk may
//     start with I-); it ends at B/S/O after B/I, after E/S, and wherever the type changes;
//   - sentences are joined with an "O" between them, so no chunk crosses a sentence boundary.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace xstilts {

struct Chunk {
  std::string type;
  std::size_t begin = 0;  // index into the joined sequence (sentence i+1 starts after an "O")
  std::size_t end = 0;    // inclusive, as seqeval reports it
  bool operator==(const Chunk& other) const {
    return type == other.type && begin == other.begin && end == other.end;
  }
};

// seqeval.get_entities on one flat sequence of tags.
std::vector<Chunk> GetEntities(const std::vector<std::string>& tags);
// seqeval.get_entities on a list of sentences (each followed by "O" before chunking).
std::vector<Chunk> GetEntities(const std::vector<std::vector<std::string>>& sentences);

struct PrfScore {
  double precision = 0;  // percent, 0..100
  double recall = 0;     // percent
  double f1 = 0;         // percent
  std::size_t num_correct = 0;
  std::size_t num_predicted = 0;
  std::size_t num_gold = 0;
};

// Micro-averaged P/R/F1 over the sets of chunks (type, begin, end), times 100 as evaluate.py
// reports them; 0 where a denominator is 0. The caller guarantees the same number of sentences
// and the same length for each sentence (seqeval rejects anything else); throws
// std::invalid_argument otherwise.
PrfScore SeqevalPrf(const std::vector<std::vector<std::string>>& gold,
                    const std::vector<std::vector<std::string>>& predicted);

}  // namespace xstilts
