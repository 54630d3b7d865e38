// Inline SVG plots of a Study: compute vs gain scatter with its Pareto front, and a per-model
// language x target heat map of gains.
//
// Each function returns one self-contained <svg> element (xmlns set, no scripts, no external
// links or fonts, no element ids, so several can share a page) that is well-formed XML. All text
// is XML-escaped; numbers have fixed precision, so the same Study gives the same bytes.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "report/study.h"

namespace xstilts {

// Indices of the points (compute, gain) that no other point dominates. q dominates p when
// q.compute <= p.compute and q.gain >= p.gain, strictly better in one; equal points do not
// dominate each other, so both stay. Sorted by compute ascending, then gain descending, then index.
// Points with a NaN coordinate are never on the front.
std::vector<size_t> ParetoFront(const std::vector<std::pair<double, double>>& points);

// One point per (model, intermediate) with both an intermediate_compute entry and an AverageGain,
// in study order (models, then intermediates).
struct ScatterPoint {
  std::string model;
  std::string intermediate;
  ModelGroup group = ModelGroup::kMultilingual;  // models without a group count as multilingual
  double pflops = 0;
  double gain = 0;
};
std::vector<ScatterPoint> ScatterPoints(const Study& study);

// x = intermediate PFLOPs (log scale when the positive values span more than 30x, zero values
// then sit on a separate "0" tick left of the axis; linear from 0 otherwise), y = average gain in
// points with a y = 0 line; marker by model group with a legend; each point labelled
// "model / intermediate"; the Pareto front as a step line through its ringed points. With no
// points, an empty frame that says so.
std::string RenderGainScatterSvg(const Study& study);

// Rows = the languages with a score for `model`, columns = the targets; each cell is
// Study::MeanGainOverIntermediates, coloured blue (gain) to white (0) to red (loss) on one
// symmetric scale for every model of the study (the largest magnitude in any of their maps), so
// the maps of one report compare by colour; value printed; cells without a value are grey with "-". Each cell is a
// <rect class="cell">. A legend shows the colour scale.
std::string RenderGainHeatMapSvg(const Study& study, const std::string& model);

}  // namespace xstilts
