#include "engine/run_observer.h"

#include <pwd.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <stdexcept>

#include "base/this_process.h"

namespace xstilts {

void RunObservers::NodeStarted(const std::string& node, const std::string& key) {
  for (RunObserver* o : observers_) o->NodeStarted(node, key);
}
void RunObservers::NodeProgress(const std::string& node, double fraction, const std::string& message) {
  for (RunObserver* o : observers_) o->NodeProgress(node, fraction, message);
}
void RunObservers::NodeLog(const std::string& node, const std::string& line) {
  for (RunObserver* o : observers_) o->NodeLog(node, line);
}
void RunObservers::NodeWaiting(const std::string& node, const std::string& why) {
  for (RunObserver* o : observers_) o->NodeWaiting(node, why);
}
void RunObservers::NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) {
  for (RunObserver* o : observers_) o->NodeFinished(node, result, record);
}
void RunObservers::Note(const std::string& text) {
  for (RunObserver* o : observers_) o->Note(text);
}

std::string FormatDuration(double seconds) {
  char buffer[32];
  if (seconds < 10) {
    std::snprintf(buffer, sizeof(buffer), "%.1fs", seconds);
  } else if (seconds < 60) {
    std::snprintf(buffer, sizeof(buffer), "%.0fs", seconds);
  } else if (seconds < 3600) {
    std::snprintf(buffer, sizeof(buffer), "%dm%02ds", static_cast<int>(seconds) / 60, static_cast<int>(seconds) % 60);
  } else {
    std::snprintf(buffer, sizeof(buffer), "%dh%02dm", static_cast<int>(seconds) / 3600,
                  static_cast<int>(seconds) % 3600 / 60);
  }
  return buffer;
}

JsonRunLog::JsonRunLog(const std::string& path) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
  out_.open(path, std::ios::app);
  if (!out_) throw std::runtime_error("cannot open the run log " + path + " (" + std::strerror(errno) + ")");
  // Several runs may append to one log (two users, two machines on a shared cache): each line
  // says which run, user, host and process wrote it.
  const std::string host = Hostname();
  const char* user = std::getenv("USER");
  if (user == nullptr) {
    const passwd* entry = ::getpwuid(::getuid());
    user = entry != nullptr ? entry->pw_name : "?";
  }
  const auto started = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch());
  origin_ = {{"run", host + "-" + std::to_string(::getpid()) + "-" + std::to_string(started.count())},
             {"user", user},
             {"host", host},
             {"pid", ::getpid()}};
}

void JsonRunLog::Event(nlohmann::json event) {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  event["time"] = std::chrono::duration<double>(now).count();
  for (const auto& [name, value] : origin_.items()) event[name] = value;
  std::lock_guard<std::mutex> lock(mutex_);
  out_ << event.dump() << "\n";
  out_.flush();
}

void JsonRunLog::NodeStarted(const std::string& node, const std::string& key) {
  Event({{"event", "start"}, {"node", node}, {"key", key}});
}

void JsonRunLog::NodeWaiting(const std::string& node, const std::string& why) {
  Event({{"event", "waiting"}, {"node", node}, {"why", why}});
}

void JsonRunLog::NodeProgress(const std::string& node, double fraction, const std::string& message) {
  {
    // At most one progress line a second per node: the log is for people and plots, not a trace.
    std::lock_guard<std::mutex> lock(mutex_);
    auto& last = last_progress_[node];
    if (std::chrono::steady_clock::now() - last < std::chrono::seconds(1)) return;
    last = std::chrono::steady_clock::now();
  }
  Event({{"event", "progress"}, {"node", node}, {"fraction", fraction}, {"message", message}});
}

void JsonRunLog::NodeLog(const std::string& node, const std::string& line) {
  Event({{"event", "log"}, {"node", node}, {"line", line}});
}

void JsonRunLog::NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json& record) {
  nlohmann::json event = {{"event", "end"}, {"node", node}, {"status", OutcomeName(result.outcome)},
                          {"seconds", result.seconds}};
  if (!result.message.empty()) event["message"] = result.message;
  if (record.is_object()) {
    for (const char* field : {"key", "cost", "cpu_seconds", "peak_rss_bytes", "threads"}) {
      if (record.contains(field)) event[field] = record[field];
    }
  }
  Event(event);
}

}  // namespace xstilts
