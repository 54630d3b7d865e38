// RunObserver: what a run tells the person watching it and the run log.
//
// The engine reports every node's start, progress, log lines and end to a RunObserver.
// JsonRunLog appends them as JSON lines (start, progress, end with cost) to the run log in the
// cache; the live console display is the CLI's (cli/console_reporter.h).
// All methods may be called from several node threads at once.
#pragma once

#include <chrono>
#include <fstream>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "graph/executor.h"

namespace xstilts {

class RunObserver {
 public:
  virtual ~RunObserver() = default;
  virtual void NodeStarted(const std::string& node, const std::string& key) {}
  // fraction in [0,1], or < 0 when unknown.
  virtual void NodeProgress(const std::string& node, double fraction, const std::string& message) {}
  virtual void NodeLog(const std::string& node, const std::string& line) {}
  // Ready, but waiting for cores or GPUs that running nodes hold, or for the key that another
  // process is building (`why` says which).
  virtual void NodeWaiting(const std::string& node, const std::string& why) {}
  // `record` is the node's metadata (timings and cost) when it ran, else null.
  virtual void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) {}
  virtual void Note(const std::string& text) {}
};

// Sends every event to several observers.
class RunObservers : public RunObserver {
 public:
  void Add(RunObserver* observer) { observers_.push_back(observer); }
  void NodeStarted(const std::string& node, const std::string& key) override;
  void NodeProgress(const std::string& node, double fraction, const std::string& message) override;
  void NodeLog(const std::string& node, const std::string& line) override;
  void NodeWaiting(const std::string& node, const std::string& why) override;
  void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) override;
  void Note(const std::string& text) override;

 private:
  std::vector<RunObserver*> observers_;
};

class JsonRunLog : public RunObserver {
 public:
  // Appends to `path` (created with its directory). Throws std::runtime_error if it cannot.
  explicit JsonRunLog(const std::string& path);
  void Event(nlohmann::json event);  // adds "time" and writes one line
  void NodeStarted(const std::string& node, const std::string& key) override;
  void NodeProgress(const std::string& node, double fraction, const std::string& message) override;
  void NodeLog(const std::string& node, const std::string& line) override;
  void NodeWaiting(const std::string& node, const std::string& why) override;
  void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) override;

 private:
  std::mutex mutex_;
  std::ofstream out_;
  nlohmann::json origin_;  // run, user, host, pid: added to every line
  std::map<std::string, std::chrono::steady_clock::time_point> last_progress_;
};

std::string FormatDuration(double seconds);  // "0.4s", "12s", "3m05s", "1h02m"

}  // namespace xstilts
