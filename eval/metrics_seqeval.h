// Entity-level micro precision / recall / F1 over tag sequences, exactly as seqeval's default
// (non-strict) mode computes them (seqeval.metrics.sequence_labeling: get_entities, f1_score,
// precision_score, recall_score), which XTREME's evaluate.py uses for PAN-X (WikiANN NER) and
// UD-POS. evaluate.py does not pin seqeval, and its releases read tags differently, so the caller
// names the release to reproduce (SeqevalVersion); docs/scoring.md has a worked example.
//
// Chunking, the same in both releases except for the type of a tag:
//   - a tag's first character (code point) is its prefix; its type is
//       0.0.12: the text after the last '-' of the whole tag, or the whole tag when it has none:
//               "B-PER" -> (B, PER), "NOUN" -> (N, NOUN), "O" -> (O, O), "B-ART-WORK" -> (B, WORK);
//       1.2.2:  the text after the first '-' after the prefix, or the rest of the tag when there
//               is none ('_' when that is empty): "B-PER" -> (B, PER), "NOUN" -> (N, OUN),
//               "O" -> (O, _), "B-ART-WORK" -> (B, ART-WORK);
//   - a chunk starts at B/S, at E or I after O/E/S, and wherever the type changes (so a chunk may
//     start with I-); it ends at B/S/O after B/I, after E/S, and wherever the type changes (but a
//     type change starts no chunk at a tag whose prefix is O or '.', and ends none after one);
//   - sentences are joined with an "O" after each, and chunk offsets count those "O"s.
// Pure functions; any thread.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xstilts {

// The seqeval release whose tag reading is reproduced.
enum class SeqevalVersion {
  // seqeval 0.0.12 (0.0.12 to 0.0.15 read tags alike): the averages XTREME's evaluate_test.py
  // expects on its mock submission. The default of `xstilts score` and of the evaluate node.
  k0_0_12,
  // seqeval 1.2.2 (0.0.16 and later read tags alike): what `pip install seqeval` gives today.
  k1_2_2,
};
inline constexpr SeqevalVersion kXtremeSeqevalVersion = SeqevalVersion::k0_0_12;

// "0.0.12", "1.2.2".
const char* SeqevalVersionName(SeqevalVersion version);
// The inverse of SeqevalVersionName; nullopt for any other text.
std::optional<SeqevalVersion> ParseSeqevalVersion(std::string_view name);
// Every SeqevalVersionName, the default first (for option and parameter choices).
std::vector<std::string> SeqevalVersionNames();

struct Chunk {
  std::string type;
  std::size_t begin = 0;  // index into the joined sequence (sentence i+1 starts after an "O")
  std::size_t end = 0;    // inclusive, as seqeval reports it
  bool operator==(const Chunk& other) const {
    return type == other.type && begin == other.begin && end == other.end;
  }
};

// seqeval.get_entities on one flat sequence of tags.
std::vector<Chunk> GetEntities(const std::vector<std::string>& tags, SeqevalVersion version);
// seqeval.get_entities on a list of sentences (each followed by "O" before chunking).
std::vector<Chunk> GetEntities(const std::vector<std::vector<std::string>>& sentences,
                               SeqevalVersion version);

struct PrfScore {
  double precision = 0;  // percent, 0..100
  double recall = 0;     // percent
  double f1 = 0;         // percent
  std::size_t num_correct = 0;
  std::size_t num_predicted = 0;
  std::size_t num_gold = 0;
};

// Micro-averaged P/R/F1 over the sets of chunks (type, begin, end), times 100 as evaluate.py
// reports them; 0 where a denominator is 0. 1.2.2 requires the same number of sentences and the
// same length for each sentence and throws std::invalid_argument otherwise, as seqeval 1.x does;
// 0.0.12 checks nothing and compares the chunks of the two joined sequences as they are.
PrfScore SeqevalPrf(const std::vector<std::vector<std::string>>& gold,
                    const std::vector<std::vector<std::string>>& predicted,
                    SeqevalVersion version);

}  // namespace xstilts
