// The analytic parameter count of model/encoder_flops.h against the modules it describes, and
// EncoderFlops' formula.
#include <gtest/gtest.h>
#include <torch/torch.h>

#include <set>

#include "model/encoder_flops.h"
#include "model/heads.h"
#include "tests/model/tiny_model.h"

namespace xstilts {
namespace {

// Distinct parameter values, tied weights once (as the cost records count them).
int64_t DistinctParameters(const torch::nn::Module& module) {
  std::set<const void*> seen;
  int64_t count = 0;
  for (const torch::Tensor& p : module.parameters()) {
    if (seen.insert(p.data_ptr()).second) count += p.numel();
  }
  return count;
}

TEST(EncoderFlops, TaskModelParameterCountEqualsTheBuiltModel) {
  const EncoderConfig config = testing::TinyConfig();
  const std::vector<TaskSpec> every_head = {{"nli", TaskKind::kSequenceClassification, 3},
                                            {"ner", TaskKind::kTokenClassification, 7},
                                            {"qa", TaskKind::kQuestionAnswering, 2},
                                            {"mc", TaskKind::kMultipleChoice, 4},
                                            {"mlm", TaskKind::kMaskedLm, 0}};
  for (bool pooler : {false, true}) {
    for (size_t n = 0; n <= every_head.size(); ++n) {
      const std::vector<TaskSpec> tasks(every_head.begin(), every_head.begin() + static_cast<std::ptrdiff_t>(n));
      std::vector<HeadShape> shapes;
      for (const TaskSpec& t : tasks) shapes.push_back({TaskKindName(t.kind), t.num_labels});
      TaskModel model(config, tasks, pooler);
      EXPECT_EQ(TaskModelParameterCount(config, shapes, pooler), DistinctParameters(*model))
          << n << " heads, pooler " << pooler;
    }
  }
}

TEST(EncoderFlops, EachHeadKindIsCounted) {
  const EncoderConfig config = testing::TinyConfig();
  for (TaskKind kind : {TaskKind::kSequenceClassification, TaskKind::kTokenClassification,
                        TaskKind::kQuestionAnswering, TaskKind::kMultipleChoice, TaskKind::kMaskedLm}) {
    TaskModel model(config, std::vector<TaskSpec>{{"t", kind, 5}}, false);
    const int64_t head = DistinctParameters(*model) - config.EncoderParameterCount(false);
    EXPECT_GT(head, 0) << TaskKindName(kind);
    EXPECT_EQ(HeadParameterCount(config, {TaskKindName(kind), 5}), head) << TaskKindName(kind);
  }
  EXPECT_EQ(HeadParameterCount(config, {"no_such_head", 5}), 0);
}

TEST(EncoderFlops, TrainingIsThreeTimesTheForwardPassWithAttention) {
  EncoderConfig config;
  config.num_hidden_layers = 2;
  config.hidden_size = 8;
  const double forward = EncoderFlops(config, 100, 10, 4, false);
  EXPECT_DOUBLE_EQ(forward, (2.0 * 100 + 2.0 * 2 * 4 * 8) * 10);
  EXPECT_DOUBLE_EQ(EncoderFlops(config, 100, 10, 4, true), 3 * forward);
}

}  // namespace
}  // namespace xstilts
