// Params that declare sizes for `xstilts estimate` (nodes/estimate/), which plans before the
// files a node reads are here: how many examples a dataset will hold, the config of a model still
// to be downloaded. They change nothing a node makes, so they are not part of the cache key, and
// nothing checks them against what is read.
#pragma once

#include "graph/node_type.h"

namespace xstilts {

// expected_examples (int, default 0 = not declared): dataset, select_examples.
ParamSpec ExpectedExamplesParam();
// expected_config (map, default {} = not declared): import_hf.
ParamSpec ExpectedConfigParam();

}  // namespace xstilts
