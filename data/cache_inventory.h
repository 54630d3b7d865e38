// What a cache directory holds, entry by entry, for `xstilts cache ls`, `du`, `verify` and `gc`.
#pragma once

#include <cstdint>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "data/artifact_store.h"

namespace xstilts {

struct EntryInfo {
  std::string key;
  std::filesystem::path dir;
  nlohmann::json meta;
  std::string node;      // the node that built it ("?" when the metadata does not say)
  std::string type;      // its node type
  std::string pipeline;  // the pipeline file it was built from (absolute)
  uint64_t bytes = 0;    // its artifact files and metadata
  std::time_t built = 0;      // when it was published
  std::time_t last_used = 0;  // the last run that ran it or found it cached (a pipeline's refs), else `built`
};

// Every complete entry of `store`, sorted by key. Half-written and truncated entries are not
// listed (runs rebuild them; tmp/ is cleaned when a cache is opened).
std::vector<EntryInfo> ListEntries(const ArtifactStore& store);


}  // namespace xstilts
