// RunProgress: the run's overall line and its ETA from the nodes' own estimates and type means.
#include <gtest/gtest.h>

#include "cli/run_progress.h"

namespace xstilts {
namespace {

TEST(RunProgress, NothingFinishedNothingToEstimate) {
  RunProgress progress({{"a", "train"}, {"b", "train"}}, 2);
  EXPECT_EQ(progress.Line({}), "run: 0/2 done, 0 running, ETA unknown until a node of each type has run");
}

TEST(RunProgress, RunningNodesAndTypeMeansGiveTheEta) {
  RunProgress progress({{"t1", "train"}, {"t2", "train"}, {"t3", "train"}, {"e1", "evaluate"}, {"e2", "evaluate"}}, 2);
  progress.Finished("t1", NodeOutcome::kRan, 100);
  progress.Finished("e1", NodeOutcome::kFailed, 5);
  // t2 is a quarter done after 30 s (90 s left); t3 is waiting (100 s, the train mean); e2 has
  // no estimate: the failed evaluate taught nothing.
  EXPECT_EQ(progress.Line({{"t2", {30, 0.25}}}),
            "run: 2/5 done, 1 running, 1 failed, ETA 1m35s (+1 node not yet estimated)");
  // Without a fraction, a running node is estimated by its type's mean less its time so far.
  EXPECT_EQ(progress.Line({{"t2", {40, -1}}, {"t3", {10, -1}}}),
            "run: 2/5 done, 2 running, 1 failed, ETA 1m30s (+1 node not yet estimated)");
}

TEST(RunProgress, AllDoneHasNoEta) {
  RunProgress progress({{"a", "exec"}}, 1);
  progress.Finished("a", NodeOutcome::kCached, 0);
  progress.Finished("a", NodeOutcome::kCached, 0);  // counted once
  EXPECT_EQ(progress.Line({}), "run: 1/1 done, 0 running");
}

}  // namespace
}  // namespace xstilts
