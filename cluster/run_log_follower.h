// RunLogFollower: reads the events that other processes (the run's Slurm jobs) append to a run log
// (engine/run_observer.h, one JSON object a line), from where it was when the follower was made.
// A partly written last line is left for the next call; a line that does not parse is skipped
// (on a file system without atomic appends, such as NFS, lines of two hosts may mix).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace xstilts {

class RunLogFollower {
 public:
  explicit RunLogFollower(std::filesystem::path path);
  // Calls `on_event` for each complete line appended since the last call.
  void Follow(const std::function<void(const nlohmann::json&)>& on_event);

 private:
  std::filesystem::path path_;
  uint64_t offset_ = 0;
};

}  // namespace xstilts
