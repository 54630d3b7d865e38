#include "cluster/slurm_profile.h"

#include <filesystem>
#include <functional>

#include "base/byte_sizes.h"
#include "base/durations.h"
#include "graph/yaml_loader.h"

namespace xstilts {
namespace {

const std::vector<std::string> kKeys = {"partition",  "account",  "qos",  "constraint",        "sbatch_args",
                                        "gpu_option", "gpu_type", "jobs", "poll_interval",     "max_poll_interval",
                                        "warning_time", "defaults"};

// Reads one entry's value into the profile; problems go to `diagnostics`.
class EntryReader {
 public:
  explicit EntryReader(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void Text(const Value::Entry& e, std::string& out) {
    if (!e.value.is_scalar()) return Expect(e, "a string");
    out = e.value.text();
  }
  void TextList(const Value::Entry& e, std::vector<std::string>& out) {
    if (!e.value.is_list()) return Expect(e, "a list of strings");
    for (const Value& item : e.value.items()) {
      if (!item.is_scalar()) {
        diagnostics_.Error(item.loc(), "'" + e.key + "' expects strings, got " + item.Describe());
        continue;
      }
      out.push_back(item.text());
    }
  }
  void Duration(const Value::Entry& e, int64_t& seconds, int64_t at_least) {
    int64_t parsed = 0;
    if (!e.value.is_scalar() || !ParseDuration(e.value.text(), parsed)) {
      return Expect(e, "a duration such as 10s, 2m or 1:30:00");
    }
    if (parsed < at_least) return Expect(e, "at least " + std::to_string(at_least) + "s");
    seconds = parsed;
  }
  void Count(const Value::Entry& e, int& out) {
    const std::string text = e.value.is_scalar() ? e.value.text() : "";
    if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(text) < 1) {
      return Expect(e, "a whole number of at least 1");
    }
    out = std::stoi(text);
  }
  void GpuChoice(const Value::Entry& e, GpuOption& out) {
    const std::string text = e.value.is_scalar() ? e.value.text() : "";
    if (text == "gres") {
      out = GpuOption::kGres;
    } else if (text == "gpus") {
      out = GpuOption::kGpus;
    } else {
      Expect(e, "gres (--gres=gpu:N) or gpus (--gpus=N)");
    }
  }
  // defaults: {TYPE: {memory: SIZE, time: DURATION}, ...}
  void Defaults(const Value::Entry& e, std::map<std::string, Resources>& out) {
    if (!e.value.is_map()) return Expect(e, "a map from node type (or \"*\") to {memory, time}");
    for (const Value::Entry& type : e.value.entries()) {
      if (!type.value.is_map()) {
        diagnostics_.Error(type.value.loc(), "defaults of '" + type.key + "' expect {memory, time}, got " +
                                                 type.value.Describe());
        continue;
      }
      Resources& r = out[type.key];
      for (const Value::Entry& field : type.value.entries()) {
        const std::string text = field.value.is_scalar() ? field.value.text() : "";
        if (field.key == "memory") {
          uint64_t bytes = 0;
          if (!ParseBytes(text, bytes)) Expect(field, "a size such as 16G or 500M");
          r.memory_bytes = static_cast<int64_t>(bytes);
        } else if (field.key == "time") {
          if (!ParseDuration(text, r.time_seconds)) Expect(field, "a duration such as 12h, 2d or 1:30:00");
        } else {
          diagnostics_.Error(field.key_loc, "unknown default '" + field.key + "'" +
                                                DidYouMean(field.key, {"memory", "time"}));
        }
      }
    }
  }

 private:
  void Expect(const Value::Entry& e, const std::string& what) {
    diagnostics_.Error(e.value.loc(), "'" + e.key + "' expects " + what + ", got " + e.value.Describe());
  }
  Diagnostics& diagnostics_;
};

}  // namespace

Resources SlurmProfile::WithDefaults(const std::string& node_type, Resources declared) const {
  for (const std::string& key : {node_type, std::string("*")}) {
    auto it = defaults.find(key);
    if (it == defaults.end()) continue;
    if (declared.memory_bytes == 0) declared.memory_bytes = it->second.memory_bytes;
    if (declared.time_seconds == 0) declared.time_seconds = it->second.time_seconds;
  }
  return declared;
}

std::optional<SlurmProfile> ParseSlurmProfile(const std::string& text, const std::string& file,
                                              Diagnostics& diagnostics) {
  const size_t errors_before = diagnostics.size();
  std::optional<Value> root = ParseYaml(text, file, diagnostics);
  if (!root) return std::nullopt;
  SlurmProfile profile;
  profile.file = file;
  if (root->is_null()) return profile;  // an empty file: the defaults
  if (!root->is_map()) {
    diagnostics.Error(root->loc(), "a Slurm profile is a map of settings (partition, account, ...), got " +
                                       root->Describe());
    return std::nullopt;
  }
  EntryReader read(diagnostics);
  const std::map<std::string, std::function<void(const Value::Entry&)>> fields = {
      {"partition", [&](const Value::Entry& e) { read.Text(e, profile.partition); }},
      {"account", [&](const Value::Entry& e) { read.Text(e, profile.account); }},
      {"qos", [&](const Value::Entry& e) { read.Text(e, profile.qos); }},
      {"constraint", [&](const Value::Entry& e) { read.Text(e, profile.constraint); }},
      {"sbatch_args", [&](const Value::Entry& e) { read.TextList(e, profile.sbatch_args); }},
      {"gpu_option", [&](const Value::Entry& e) { read.GpuChoice(e, profile.gpu_option); }},
      {"gpu_type", [&](const Value::Entry& e) { read.Text(e, profile.gpu_type); }},
      {"jobs", [&](const Value::Entry& e) { read.Count(e, profile.jobs); }},
      {"poll_interval", [&](const Value::Entry& e) { read.Duration(e, profile.poll_seconds, 1); }},
      {"max_poll_interval", [&](const Value::Entry& e) { read.Duration(e, profile.max_poll_seconds, 1); }},
      {"warning_time", [&](const Value::Entry& e) { read.Duration(e, profile.warning_seconds, 0); }},
      {"defaults", [&](const Value::Entry& e) { read.Defaults(e, profile.defaults); }},
  };
  for (const Value::Entry& e : root->entries()) {
    auto field = fields.find(e.key);
    if (field == fields.end()) {
      diagnostics.Error(e.key_loc, "unknown Slurm profile setting '" + e.key + "'" + DidYouMean(e.key, kKeys));
      continue;
    }
    field->second(e);
  }
  if (profile.max_poll_seconds < profile.poll_seconds) profile.max_poll_seconds = profile.poll_seconds;
  if (diagnostics.size() > errors_before) return std::nullopt;
  return profile;
}

std::string FindSlurmProfile(const std::string& flag, const char* env, const std::string& home) {
  if (!flag.empty()) return flag;
  if (env != nullptr && env[0] != '\0') return env;
  if (home.empty()) return "";
  const std::filesystem::path user = std::filesystem::path(home) / ".config" / "xstilts" / "slurm.yaml";
  std::error_code ec;
  return std::filesystem::is_regular_file(user, ec) ? user.string() : "";
}

}  // namespace xstilts
