#include "cluster/sbatch_command.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace xstilts {
namespace {

// Slurm's --time: D-HH:MM:SS, whole minutes (it rounds a job's limit up to the minute).
std::string SlurmTime(int64_t seconds) {
  const int64_t minutes = (seconds + 59) / 60;
  return fmt::format("{}-{:02}:{:02}:00", minutes / 1440, (minutes / 60) % 24, minutes % 60);
}

std::string GpuRequest(const SlurmProfile& profile, int gpus) {
  if (profile.gpu_option == GpuOption::kGpus) {
    return "--gpus=" + (profile.gpu_type.empty() ? "" : profile.gpu_type + ":") + std::to_string(gpus);
  }
  return "--gres=gpu:" + (profile.gpu_type.empty() ? "" : profile.gpu_type + ":") + std::to_string(gpus);
}

}  // namespace

std::string JobName(const std::string& key) { return "xstilts-" + key.substr(0, 16); }

std::vector<std::string> SbatchCommand(const SlurmProfile& profile, const JobRequest& job) {
  const Resources r = profile.WithDefaults(job.node_type, job.resources);
  std::vector<std::string> argv = {"sbatch", "--parsable", "--job-name=" + JobName(job.key),
                                   "--comment=xstilts " + job.key + " " + job.node, "--output=" + job.log_path,
                                   "--open-mode=append", "--requeue", "--nodes=1", "--ntasks=1"};
  if (!job.workdir.empty()) argv.push_back("--chdir=" + job.workdir);
  argv.push_back("--cpus-per-task=" + std::to_string(std::max(1, r.threads)));
  if (r.gpus > 0) argv.push_back(GpuRequest(profile, r.gpus));
  if (r.memory_bytes > 0) {
    const int64_t mib = (r.memory_bytes + (int64_t{1} << 20) - 1) >> 20;
    argv.push_back("--mem=" + std::to_string(mib) + "M");
  }
  if (r.time_seconds > 0) argv.push_back("--time=" + SlurmTime(r.time_seconds));
  if (profile.warning_seconds > 0) argv.push_back("--signal=B:USR1@" + std::to_string(profile.warning_seconds));
  for (const auto& [option, value] : {std::pair<const char*, const std::string*>{"--partition=", &profile.partition},
                                      {"--account=", &profile.account},
                                      {"--qos=", &profile.qos},
                                      {"--constraint=", &profile.constraint}}) {
    if (!value->empty()) argv.push_back(option + *value);
  }
  argv.insert(argv.end(), profile.sbatch_args.begin(), profile.sbatch_args.end());
  std::string wrap;
  for (const std::string& word : job.command) wrap += (wrap.empty() ? "" : " ") + ShellQuote(word);
  argv.push_back("--wrap=" + wrap);
  return argv;
}

std::string ShellQuote(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
                                              "_-./=:,+@%") == std::string::npos) {
    return text;
  }
  std::string out = "'";
  for (char c : text) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

}  // namespace xstilts
