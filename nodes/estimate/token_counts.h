// What a `tokenize` node's output holds, for the cost estimate: rows a trainer batches, tokens
// without padding, the longest feature. Measured from the tokens artifact when the node is in
// the cache; otherwise derived from the example count its upstream declares (a dataset's
// `expected_examples` or `limit`, a select_examples `limit`) and the format's assumed example
// length (tokens_per_example.h), each feature capped at the node's max_length.
//
// Never throws for missing or unreadable data: the counts then say kUnknown and `note` why.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "graph/node_type.h"
#include "nodes/estimate/estimate_source.h"
#include "report/study_placement.h"

namespace xstilts {

struct TokenCounts {
  EstimateSource source = EstimateSource::kUnknown;
  std::string head_kind;         // the head that trains on it (HeadShape::kind); "" for parallel sentences
  int64_t num_labels = 2;        // classification heads (measured: the label set; else assumed 2)
  double rows = 0;               // what a trainer batches: features, or examples for multiple choice
  double tokens = 0;             // unpadded tokens of all features
  int64_t longest = 0;           // the longest feature: the padded length of the training batches
  int64_t max_length = 0;        // the tokenize node's max_length
  std::vector<int64_t> lengths;  // each feature's length, in order (measured only)
  std::string note;              // where the numbers come from, for people
};

// The counts of the tokenize node `node` (another type: kUnknown).
TokenCounts CountTokens(const LineageMap& nodes, const LineageNode& node);

}  // namespace xstilts
