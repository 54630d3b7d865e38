// The estimates of the training nodes (train, pretrain_mlm) and of the inference nodes (evaluate,
// retrieve): the parts of EstimateNodeCosts (cost_estimate.h, whose contract they follow).
#pragma once

#include <filesystem>

#include "nodes/estimate/cost_estimate.h"
#include "report/study_placement.h"

namespace xstilts {

NodeEstimate EstimateTrain(const LineageMap& nodes, const LineageNode& node, const std::filesystem::path& pipeline_dir);
NodeEstimate EstimatePretrainMlm(const LineageMap& nodes, const LineageNode& node,
                                 const std::filesystem::path& pipeline_dir);
NodeEstimate EstimateInference(const LineageMap& nodes, const LineageNode& node,
                               const std::filesystem::path& pipeline_dir);

}  // namespace xstilts
