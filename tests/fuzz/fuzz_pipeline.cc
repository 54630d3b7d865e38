// The pipeline loader through validation and planning: YAML with locations, vars and foreach
// expansion, --set overrides, resolution against the real node types, cache keys. Bad input must
// end in diagnostics, never in a crash, a hang or a sanitizer report.
#include <cstddef>
#include <cstdint>
#include <string>

#include "graph/plan.h"
#include "graph/pipeline_spec.h"
#include "graph/registry.h"
#include "graph/resolve.h"

namespace {

using namespace xstilts;

// Nothing is cached; nothing on disk is read (every external file hashes to one constant).
class EmptyIndex : public ArtifactIndex {
 public:
  bool Has(const std::string&) override { return false; }
  Status Verify(const std::string&) override { return Status::Ok(); }
  std::optional<nlohmann::json> Components(const std::string&) override { return std::nullopt; }
  std::optional<std::string> LastKey(const std::string&) override { return std::nullopt; }
};

class ConstantHasher : public FileHasher {
 public:
  std::string Hash(const std::filesystem::path&) override { return std::string(64, '0'); }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  Diagnostics diagnostics;
  std::optional<PipelineSpec> spec = ParsePipeline(text, "fuzz.yaml", {}, diagnostics);
  if (!spec) return 0;
  std::optional<ResolvedPipeline> pipeline = Resolve(*spec, NodeRegistry::Global(), diagnostics);
  if (!pipeline) return 0;
  EmptyIndex index;
  ConstantHasher hasher;
  (void)MakePlan(*pipeline, index, hasher, PlanOptions{});
  return 0;
}
