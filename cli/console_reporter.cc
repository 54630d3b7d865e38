#include "cli/console_reporter.h"

#include <ctime>

#include "base/messages.h"

namespace xstilts {

namespace {

std::string Clock() {
  std::time_t now = std::time(nullptr);
  char buffer[16];
  std::tm local{};
  localtime_r(&now, &local);  // node threads print at once: not std::localtime's shared buffer
  std::strftime(buffer, sizeof(buffer), "%H:%M:%S", &local);
  return buffer;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

}  // namespace

ConsoleReporter::ConsoleReporter(std::FILE* out, bool live, RunProgress progress)
    : out_(out), live_(live), progress_(std::move(progress)), last_overall_(std::chrono::steady_clock::now()) {
  if (!live_) return;
  ticker_ = std::thread([this] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_ticking_.wait_for(lock, std::chrono::milliseconds(500), [this] { return stopping_; })) {
      if (!running_.empty() || !waiting_.empty()) Redraw(true);
    }
  });
}

ConsoleReporter::~ConsoleReporter() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    running_.clear();
    waiting_.clear();
    Redraw(true);
  }
  stop_ticking_.notify_all();
  if (ticker_.joinable()) ticker_.join();
}

std::string ConsoleReporter::OverallLine() const {
  std::map<std::string, RunProgress::Running> running;
  for (const auto& [node, r] : running_) running[node] = {Since(r.started), r.fraction};
  return progress_.Line(running);
}

std::string ConsoleReporter::StatusLine(const std::string& node, const Running& r) const {
  double elapsed = Since(r.started);
  std::string line = "  " + node + "  ";
  if (r.fraction >= 0) {
    char pct[16];
    std::snprintf(pct, sizeof(pct), "%3.0f%%", 100 * r.fraction);
    line += pct;
    if (r.fraction > 0.01) line += "  ETA " + FormatDuration(elapsed * (1 - r.fraction) / r.fraction);
  } else {
    line += FormatDuration(elapsed);
  }
  if (!r.message.empty()) line += "  " + r.message;
  return line.size() > 150 ? line.substr(0, 150) : line;
}

void ConsoleReporter::Redraw(bool force) {
  if (!live_) return;
  if (!force && std::chrono::steady_clock::now() - last_draw_ < std::chrono::milliseconds(100)) return;
  last_draw_ = std::chrono::steady_clock::now();
  std::string text;
  for (size_t i = 0; i < drawn_lines_; ++i) text += "\x1b[1A\x1b[2K";  // up one line, clear it
  text += "\r";
  drawn_lines_ = 0;
  if (!running_.empty() || !waiting_.empty()) {
    text += Paint(OverallLine(), Tone::kBold, out_) + "\n";
    ++drawn_lines_;
  }
  for (const auto& [node, r] : running_) {
    text += StatusLine(node, r) + "\n";
    ++drawn_lines_;
  }
  for (const auto& [node, why] : waiting_) {
    text += "  " + node + "  " + Paint(why, Tone::kDim, out_) + "\n";
    ++drawn_lines_;
  }
  std::fputs(text.c_str(), out_);
  std::fflush(out_);
}

void ConsoleReporter::PrintAbove(const std::string& line) {
  if (live_) {
    std::string text;
    for (size_t i = 0; i < drawn_lines_; ++i) text += "\x1b[1A\x1b[2K";
    drawn_lines_ = 0;
    std::fputs((text + "\r" + line + "\n").c_str(), out_);
    Redraw(true);
  } else {
    std::fprintf(out_, "[%s] %s\n", Clock().c_str(), line.c_str());
    std::fflush(out_);
  }
}

void ConsoleReporter::NodeStarted(const std::string& node, const std::string& key) {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_.erase(node);
  running_[node] = Running{std::chrono::steady_clock::now(), -1, "", -1, {}};
  if (live_) {
    Redraw(true);
  } else {
    PrintAbove(node + ": started (key " + key.substr(0, 12) + ")");
  }
}

void ConsoleReporter::NodeProgress(const std::string& node, double fraction, const std::string& message) {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = running_.find(node);
  if (it == running_.end()) return;
  it->second.fraction = fraction;
  it->second.message = message;
  if (live_) return Redraw(false);
  // Plain output (logs, CI): nothing for nodes done within seconds; then a line per tenth of the
  // way, at most one every 5 seconds.
  auto now = std::chrono::steady_clock::now();
  int decile = fraction >= 0 ? static_cast<int>(std::floor(fraction * 10)) : -1;
  if (decile > it->second.last_decile && now - it->second.started > std::chrono::seconds(2) &&
      now - it->second.last_printed > std::chrono::seconds(5)) {
    it->second.last_decile = decile;
    it->second.last_printed = now;
    PrintAbove(StatusLine(node, it->second).substr(2));
  }
}

void ConsoleReporter::NodeLog(const std::string& node, const std::string& line) {
  std::lock_guard<std::mutex> lock(mutex_);
  PrintAbove(node + ": " + line);
}

void ConsoleReporter::NodeWaiting(const std::string& node, const std::string& why) {
  std::lock_guard<std::mutex> lock(mutex_);
  waiting_[node] = why;
  if (live_) return Redraw(true);
  PrintAbove(node + ": " + why);
}

void ConsoleReporter::NodeFinished(const std::string& node, const NodeResult& result, const nlohmann::json&) {
  std::lock_guard<std::mutex> lock(mutex_);
  running_.erase(node);
  waiting_.erase(node);
  progress_.Finished(node, result.outcome, result.seconds);
  const Tone tone = result.outcome == NodeOutcome::kRan      ? Tone::kGood
                    : result.outcome == NodeOutcome::kFailed ? Tone::kBad
                    : result.outcome == NodeOutcome::kCached ? Tone::kDim
                                                             : Tone::kWarn;
  std::string line = node + ": " + Paint(OutcomeName(result.outcome), tone, out_);
  if (result.outcome == NodeOutcome::kRan) line += " in " + FormatDuration(result.seconds);
  if (!result.message.empty()) line += " (" + result.message + ")";
  PrintAbove(line);
  // Plain output: the overall line now and then, while nodes are left.
  const auto now = std::chrono::steady_clock::now();
  if (!live_ && now - last_overall_ > std::chrono::seconds(30) && !running_.empty()) {
    last_overall_ = now;
    PrintAbove(OverallLine());
  }
}

void ConsoleReporter::Note(const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  PrintAbove(text);
}

}  // namespace xstilts
