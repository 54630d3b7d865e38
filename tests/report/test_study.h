// A small hand-built Study shared by the report tests.
//
// Models: "xlmr" (multilingual) and "roberta" (monolingual); intermediates "mnli" and "squad";
// targets "xnli" (accuracy) and "panx" (f1); languages en, de, sw. The cell
// (roberta, mnli, panx) is missing. Scores (en, de, sw):
//   xlmr     baseline xnli 80 70 60 (avg 70)      panx 90 80 70 (avg 80)
//   xlmr     mnli     xnli 82 73 61 (avg 72)      panx 89 79 68 (avg 78.667)
//   xlmr     squad    xnli 81 71 62 (avg 71.333)  panx 91 82 70 (avg 81)
//   roberta  baseline xnli 85 40 35 (avg 53.333)  panx 92 50 30 (avg 57.333)
//   roberta  mnli     xnli 87 41 36 (avg 54.667)  panx missing
//   roberta  squad    xnli 84 39 35 (avg 52.667)  panx 92 51 32 (avg 58.333)
// Intermediate compute (PFLOP, CPU s, GPU s, wall s):
//   xlmr/mnli 2, 7200, 0, 3600    xlmr/squad 1, 3600, 1800, 1800
//   roberta/mnli 0.5, 1800, 0, 900    roberta/squad 0.25, 900, 0, 600
#pragma once

#include <string>
#include <vector>

#include "report/study.h"

namespace xstilts {

Study MakeTestStudy();
// MakeTestStudy with 3 replicates (seeds "1", "2", "3") per cell and the same means: every score of
// a baseline cell -1, +0, +1 by seed, of an intermediate cell -1.5, +0, +1.5. Paired gains are then
// the single-seed gains with a sample sd of 0.5 and a 95% half-width of 4.303 * 0.5 / sqrt(3) =
// 1.242: roberta/mnli (+1.333) is separated from 0, xlmr/squad (+1.167 on average) is not.
Study MakeReplicatedTestStudy();
// A ScoreRow over en, de, sw with its average filled in.
ScoreRow MakeScoreRow(const std::string& metric, double en, double de, double sw);
// Renames a model everywhere in `study` (lists and map keys).
void RenameModel(Study& study, const std::string& from, const std::string& to);
// Occurrences of `needle` in `text`.
size_t CountOccurrences(const std::string& text, const std::string& needle);

}  // namespace xstilts
