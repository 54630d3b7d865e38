// `xstilts score --task TASK --predictions DIR --labels DIR [--seqeval VERSION] [--json]`: scores
// an XTREME submission the way XTREME's evaluate.py does (see docs/scoring.md). The CLI parses the
// arguments into ScoreOptions and calls RunScore; RunScore holds all the logic and never exits the
// process.
#pragma once

#include <filesystem>
#include <iosfwd>
#include <string>

#include "eval/metrics_seqeval.h"

namespace xstilts {

struct ScoreOptions {
  // An XTREME task (pawsx, xnli, panx, udpos, bucc2018, tatoeba, xquad, mlqa, tydiqa) or "all":
  // every task with a folder in both DIRs, plus the group averages and the XTREME score (folders
  // of XTREME-R's own tasks are skipped with a note).
  std::string task;
  std::filesystem::path predictions;  // holds <task>/test-<lang>.{tsv,json}
  std::filesystem::path labels;       // same layout, gold files
  // The seqeval release whose tag reading scores panx and udpos (the output names it).
  SeqevalVersion seqeval = kXtremeSeqevalVersion;
  bool json = false;                  // one JSON object instead of the text layout
};

// Exit codes.
inline constexpr int kScoreOk = 0;
inline constexpr int kScoreBadInput = 2;

// Writes the scores to `out` and returns kScoreOk; or writes every problem found to `err`, one
// `error: <file>:<line>: ...` line each, writes nothing to `out` and returns kScoreBadInput.
// Notes that do not change the scores (unanswered QA questions, tasks skipped by --task all) go
// to `err` as `note: ...` lines. Reads files only; one call at a time per stream.
int RunScore(const ScoreOptions& options, std::ostream& out, std::ostream& err);

}  // namespace xstilts
