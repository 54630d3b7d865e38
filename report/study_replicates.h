// How results become the replicates of the Study's cells (docs/report.md, "Replicates").
//
// Each placed result carries its cell, its seeds and what else defines it: the type and params of
// the result node and of its chain of train nodes (without `seed`), and the train nodes' inputs
// other than the model. Results of one cell must agree on all of that; those with the same seeds
// are one replicate (an evaluation per language is fine, two scores for one language are not),
// those with different seeds are different replicates. A report never keeps one result and drops
// another silently: FillScores throws InputError naming both results and what separates them.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "report/study.h"
#include "report/study_placement.h"

namespace xstilts {

struct PlacedResult {
  std::string name;  // the result node
  StudyCell cell;
  StudyPlacement place;  // its seed, replicate label and defining chain among the rest
  std::string metric;
  std::map<std::string, double> by_language;
};

// Fills study.scores (replicates in label order, means over them) from every placed result.
void FillScores(const std::vector<PlacedResult>& results, Study& study);

}  // namespace xstilts
