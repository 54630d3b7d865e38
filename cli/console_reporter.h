// ConsoleReporter: the live display of a run. On a terminal it redraws, below the permanent lines,
// the run's overall line (cli/run_progress.h) and one line per running node (progress and ETA) or
// waiting node (what it waits for); elsewhere it prints plain log lines, and the overall line at
// most every 30 seconds as nodes finish.
// All methods may be called from several node threads at once.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "cli/run_progress.h"
#include "engine/run_observer.h"

namespace xstilts {

class ConsoleReporter : public RunObserver {
 public:
  // `live`: redraw a block of status lines (a terminal), at least twice a second so elapsed times
  // and ETAs move; else print plain lines.
  ConsoleReporter(std::FILE* out, bool live, RunProgress progress);
  ~ConsoleReporter() override;
  void NodeStarted(const std::string& node, const std::string& key) override;
  void NodeProgress(const std::string& node, double fraction, const std::string& message) override;
  void NodeLog(const std::string& node, const std::string& line) override;
  void NodeWaiting(const std::string& node, const std::string& why) override;
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
  std::string OverallLine() const;

  std::FILE* out_;
  bool live_;
  std::mutex mutex_;
  std::map<std::string, Running> running_;
  std::map<std::string, std::string> waiting_;  // node -> what it waits for
  RunProgress progress_;
  std::chrono::steady_clock::time_point last_overall_;
  size_t drawn_lines_ = 0;
  std::chrono::steady_clock::time_point last_draw_;
  std::condition_variable stop_ticking_;
  bool stopping_ = false;
  std::thread ticker_;
};

}  // namespace xstilts
