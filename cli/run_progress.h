// RunProgress: the overall line above a run's per-node lines: nodes done of those to run, running,
// failed, and an ETA for the whole run.
//
// The ETA adds up the work left: for a running node, what its own progress projects (elapsed time
// scaled by the fraction done); for a node not started yet, the mean time that nodes of its type
// took in this run. Nodes of a type none of which has finished yet cannot be estimated; the line
// says how many there are, so the ETA reads as a lower bound then. The work is shared by the
// run's parallel slots, and the run cannot end before its longest running node.
// Not thread-safe: the console reporter calls it under its lock.
#pragma once

#include <map>
#include <string>

#include "graph/executor.h"

namespace xstilts {

class RunProgress {
 public:
  // `types`: node name -> node type, for every node the run will run. `slots`: nodes at once.
  RunProgress(std::map<std::string, std::string> types, int slots);

  void Finished(const std::string& node, NodeOutcome outcome, double seconds);

  struct Running {
    double elapsed = 0;   // seconds since it started
    double fraction = -1; // of its work done; < 0 unknown
  };
  // "run: 3/12 done, 2 running, 1 failed, ETA 4m10s (+5 nodes not yet estimated)".
  std::string Line(const std::map<std::string, Running>& running) const;

 private:
  std::map<std::string, std::string> types_;
  int slots_;
  size_t done_ = 0;
  size_t failed_ = 0;
  std::map<std::string, std::string> finished_;            // node -> type, for what is left
  std::map<std::string, std::pair<double, int>> by_type_;  // type -> (seconds, count) of nodes that ran
};

}  // namespace xstilts
