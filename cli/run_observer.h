// RunObserver: what a run tells the person watching it and the run log.
//
// ConsoleReporter draws one live line per running node on a terminal (progress and ETA) and plain
// log lines otherwise. JsonRunLog appends JSON lines (start, progress, end with cost) to a file.
// All methods may be called from several node threads at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
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
  void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) override;
  void Note(const std::string& text) override;

 private:
  std::vector<RunObserver*> observers_;
};

class ConsoleReporter : public RunObserver {
 public:
  // `live`: redraw a block of status lines (a terminal), at least twice a second so elapsed times
  // and ETAs move; else print plain lines.
  ConsoleReporter(std::FILE* out, bool live);
  ~ConsoleReporter() override;
  void NodeStarted(const std::string& node, const std::string& key) override;
  void NodeProgress(const std::string& node, double fraction, const std::string& message) override;
  void NodeLog(const std::string& node, const std::string& line) override;
  void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) override;
  void Note(const std::string& text) override;

 private:
  struct Running {
    std::chrono::steady_clock::time_point started;
    double fraction = -1;
    std::string message;
    int last_decile = -1;
    std::chrono::steady_clock::time_point last_printed;
  };
  void PrintAbove(const std::string& line);  // a permanent line above the live block
  void Redraw(bool force);
  std::string StatusLine(const std::string& node, const Running& r) const;

  std::FILE* out_;
  bool live_;
  std::mutex mutex_;
  std::map<std::string, Running> running_;
  size_t drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
  std::condition_variable stop_ticking_;
  bool stopping_ = false;
  std::thread ticker_;
};

class JsonRunLog : public RunObserver {
 public:
  // Appends to `path` (created with its directory). Throws std::runtime_error if it cannot.
  explicit JsonRunLog(const std::string& path);
  void Event(nlohmann::json event);  // adds "time" and writes one line
  void NodeStarted(const std::string& node, const std::string& key) override;
  void NodeProgress(const std::string& node, double fraction, const std::string& message) override;
  void NodeLog(const std::string& node, const std::string& line) override;
  void NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) override;

 private:
  std::mutex mutex_;
  std::ofstream out_;
  std::map<std::string, std::chrono::steady_clock::time_point> last_progress_;
};

std::string FormatDuration(double seconds);  // "0.4s", "12s", "3m05s", "1h02m"

}  // namespace xstilts
