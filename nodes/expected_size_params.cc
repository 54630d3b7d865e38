#include "nodes/expected_size_params.h"

namespace xstilts {

ParamSpec ExpectedExamplesParam() {
  ParamSpec p{"expected_examples", ParamType::kInt, 0,
              "how many examples it will hold in all, declared for `xstilts estimate` before its data is here "
              "(docs/report.md, Estimates); 0 = not declared. Not checked against what is read"};
  p.in_key = false;
  return p.AtLeast(0);
}

ParamSpec ExpectedConfigParam() {
  ParamSpec p{"expected_config", ParamType::kMap, nlohmann::json::object(),
              "config.json fields (hidden_size, num_hidden_layers, vocab_size, ...) declared for `xstilts estimate` "
              "while config.json is not here yet (docs/report.md, Estimates); not checked against the checkpoint"};
  p.in_key = false;
  return p;
}

}  // namespace xstilts
