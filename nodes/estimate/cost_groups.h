// The estimated cost grouped as the study report groups results (report/study_placement.h): per
// model variant, and per (model, intermediate task) cell, each split into the cell's intermediate
// training and what runs downstream of it (target training and evaluation from that stage).
//
// A node counts once per model (the nodes upstream of the model's results), once in the
// intermediate part of each cell whose intermediate nodes it belongs to, and once in the
// downstream part of the cell of each result it is or trains the target task for. Nodes behind
// no result count only in the pipeline total. Never throws for a well-formed lineage; InputError
// (from PlaceResult) for a result without a model input.
#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "graph/node_type.h"
#include "nodes/estimate/cost_estimate.h"

namespace xstilts {

struct CostCell {
  double intermediate_flops = 0;  // the intermediate training of the cell (0 for the baseline)
  double downstream_flops = 0;    // target training and evaluation of the cell's results
};

struct CostBreakdown {
  std::vector<std::string> models;                                   // in pipeline order
  std::map<std::string, bool> monolingual;                           // per model
  std::map<std::string, double> model_flops;                         // everything behind the model's results
  std::map<std::pair<std::string, std::string>, CostCell> cells;     // (model, intermediate label)
  double total_flops = 0;                                            // every estimate once
};

// Results are the evaluate and retrieve nodes of `lineage`; `monolingual` names model variants
// (as a report node's param does).
CostBreakdown GroupEstimates(const std::vector<LineageNode>& lineage, const std::vector<NodeEstimate>& estimates,
                             const std::vector<std::string>& monolingual);

}  // namespace xstilts
