#include "cluster/slurm_client.h"

#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "nodes/subprocess.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

constexpr int kTries = 4;                // the first call and three retries
constexpr double kCallTimeoutSeconds = 120;
// The fields Queue asks for: id, state, reason, node list, name, comment. The comment is last: it
// is the only one that may hold '|' (the node name cannot).
constexpr char kQueueFormat[] = "%i|%T|%r|%N|%j|%k";

std::string ReadAll(const fs::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ' || text.back() == '\r')) text.pop_back();
  return text;
}

}  // namespace

SlurmClient::SlurmClient(fs::path scratch, std::function<void(const std::string&)> warn,
                         const std::atomic<bool>* cancel)
    : scratch_(std::move(scratch)), warn_(std::move(warn)), cancel_(cancel) {}

Result<std::string> SlurmClient::Call(const std::vector<std::string>& argv, int& counter) {
  SubprocessOptions options;
  options.argv = argv;
  options.stdout_path = scratch_ / (argv[0] + ".out");
  options.stderr_path = scratch_ / (argv[0] + ".err");
  options.timeout_seconds = kCallTimeoutSeconds;
  std::string why;
  for (int attempt = 0; attempt < kTries; ++attempt) {
    if (attempt > 0) {
      // 1 s, 2 s, 4 s, in steps that notice Ctrl-C.
      const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1 << (attempt - 1));
      while (std::chrono::steady_clock::now() < until && !(cancel_ && cancel_->load())) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (cancel_ && cancel_->load()) break;
    }
    ++counter;
    try {
      const SubprocessResult result = RunSubprocess(options);
      if (result.exit_code == 0) return ReadAll(options.stdout_path);
      std::string err = Trimmed(ReadAll(options.stderr_path));
      why = result.timed_out ? "no answer within " + std::to_string(static_cast<int>(kCallTimeoutSeconds)) + " s"
            : result.signal ? "killed by signal " + std::to_string(result.signal)
                            : "exit status " + std::to_string(result.exit_code) + (err.empty() ? "" : ": " + err);
    } catch (const std::exception& e) {
      why = e.what();
    }
    ++calls_.failed;
    warn_(argv[0] + " failed (" + why + ")" + (attempt + 1 < kTries ? "; trying again" : ""));
  }
  return Status::Error(ErrorKind::kFailed, argv[0] + " failed " + std::to_string(kTries) + " times; last: " + why);
}

Result<std::string> SlurmClient::Submit(const std::vector<std::string>& sbatch_argv) {
  Result<std::string> out = Call(sbatch_argv, calls_.sbatch);
  if (!out.ok()) return out.status();
  // --parsable: "<id>" or "<id>;<cluster>".
  std::string id = Trimmed(*out);
  if (const size_t semicolon = id.find(';'); semicolon != std::string::npos) id.resize(semicolon);
  if (id.empty() || id.find_first_not_of("0123456789_") != std::string::npos) {
    return Status::Error(ErrorKind::kFailed, "sbatch printed no job id: '" + Trimmed(*out) + "'");
  }
  return id;
}

Result<std::map<std::string, QueuedJob>> SlurmClient::Queue() {
  // --user rather than --me, which Slurm before 20.11 lacks.
  const passwd* user = ::getpwuid(::getuid());
  const std::string name = user != nullptr ? user->pw_name : std::to_string(::getuid());
  Result<std::string> out =
      Call({"squeue", "--user=" + name, "--noheader", "--array", "--format=" + std::string(kQueueFormat)}, calls_.squeue);
  if (!out.ok()) return out.status();
  return ParseQueue(*out);
}

Status SlurmClient::Cancel(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) return Status::Ok();
  std::vector<std::string> argv = {"scancel"};
  argv.insert(argv.end(), job_ids.begin(), job_ids.end());
  Result<std::string> out = Call(argv, calls_.scancel);
  return out.ok() ? Status::Ok() : out.status();
}

std::map<std::string, QueuedJob> ParseQueue(const std::string& text) {
  std::map<std::string, QueuedJob> jobs;
  std::istringstream lines(text);
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> fields;
    size_t start = 0;
    for (int i = 0; i < 5; ++i) {
      const size_t bar = line.find('|', start);
      if (bar == std::string::npos) break;
      fields.push_back(line.substr(start, bar - start));
      start = bar + 1;
    }
    if (fields.size() != 5) continue;  // not a line of this format
    QueuedJob job{fields[0], fields[1], fields[2], fields[3], fields[4], Trimmed(line.substr(start))};
    if (job.host == "(null)") job.host.clear();
    if (job.comment == "(null)") job.comment.clear();
    jobs[job.id] = job;
  }
  return jobs;
}

}  // namespace xstilts
