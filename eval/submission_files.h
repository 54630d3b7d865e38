// Writing an XTREME submission: the folder layout that XTREME's leaderboard and `xstilts score`
// read, <dir>/<task>/test-<lang>.<ext> (docs/scoring.md, "Folder layout and file formats"):
//   xnli, pawsx          one predicted label per line
//   udpos, panx          one tag per line (a sentence's words in order), a blank line after each
//   xquad, mlqa, tydiqa  {"question id": "answer text", ...}
// Files follow the rows' order, which must be the test files' order (lines are matched by
// position). Pure C++: no Torch, no HDF5.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace xstilts {

// One task's predictions, as the `evaluate` node's predictions artifact holds them: per example
// its id, language and prediction (a label, the tags of the words joined by single spaces, or the
// answer text).
struct TaskPredictions {
  std::string task;  // xnli, pawsx, udpos, panx, xquad, mlqa, tydiqa
  std::vector<std::string> example_id, language, prediction;
};

// Writes one file per language of `predictions` under `dir`/<task>/ and returns their paths, in
// the order the languages first appear. Throws InputError for a task that is not one of the
// seven above (the retrieval tasks' files come from `retrieve`, not from predicted labels), for
// rows of unequal count, and for a tag or label with a line break in it.
std::vector<std::filesystem::path> WriteSubmissionTask(const TaskPredictions& predictions,
                                                       const std::filesystem::path& dir);

}  // namespace xstilts
