// A registry of small fake node types (source -> train -> evaluate -> report; summary, a report
// that reads its lineage; reader, whose path may lie in its `files` input) for tests of
// loading, validation and planning, independent of the real node types.
#pragma once

#include "graph/registry.h"

namespace xstilts::testing {

// Built once; bodies write an empty artifact for each output.
const NodeRegistry& TestRegistry();

}  // namespace xstilts::testing
