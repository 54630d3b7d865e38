#include "engine/node_runner.h"

#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <functional>
#include <set>

#include "base/expected_content.h"
#include "base/input_error.h"
#include "base/this_process.h"
#include "base/version.h"
#include "data/cached_file_hasher.h"
#include "engine/lineage.h"
#include "graph/cache_key.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

class RunnerContext : public NodeContext {
 public:
  RunnerContext(const ResolvedPipeline& pipeline, const ResolvedNode& node, const fs::path& out_dir,
                const fs::path& scratch, const fs::path& resume, int threads, const std::atomic<bool>* cancel,
                RunObserver& observer, ArtifactStore& store, const Plan& plan,
                std::function<std::set<std::string>()> built_now, RemoteStore* remote)
      : pipeline_(pipeline), node_(node), out_dir_(out_dir), scratch_(scratch), resume_(resume),
        threads_(threads), cancel_(cancel), observer_(observer), store_(store), plan_(plan),
        built_now_(std::move(built_now)), remote_(remote) {}

  const std::string& node_name() const override { return node_.name; }
  const nlohmann::json& params() const override { return node_.params; }
  std::vector<fs::path> inputs(const std::string& port) const override {
    std::vector<fs::path> paths;
    for (const ResolvedInput& in : node_.inputs) {
      if (in.port != port) continue;
      for (const InputRef& r : in.refs) {
        paths.push_back(store_.EntryDir(plan_.nodes[r.node].key) / (r.port + ".h5"));
      }
    }
    return paths;
  }
  std::vector<std::string> input_names(const std::string& port) const override {
    std::vector<std::string> names;
    for (const ResolvedInput& in : node_.inputs) {
      if (in.port != port) continue;
      for (const InputRef& r : in.refs) {
        const ResolvedNode& from = pipeline_.nodes[r.node];
        const bool first_output = !from.type->outputs.empty() && from.type->outputs[0].name == r.port;
        names.push_back(first_output ? from.name : from.name + "." + r.port);
      }
    }
    return names;
  }
  std::vector<std::string> input_ports() const override {
    std::vector<std::string> ports;
    for (const ResolvedInput& in : node_.inputs) ports.push_back(in.port);
    return ports;
  }
  fs::path output(const std::string& port) const override { return out_dir_ / (port + ".h5"); }
  fs::path scratch_dir() const override { return scratch_; }
  fs::path resume_dir() const override { return resume_; }
  fs::path base_dir() const override { return BaseDir(pipeline_); }
  fs::path run_dir() const override { return store_.RunDir(ArtifactStore::PipelineId(pipeline_.file)); }
  std::string key() const override { return plan_.nodes[static_cast<size_t>(&node_ - pipeline_.nodes.data())].key; }
  int threads() const override { return threads_; }
  bool cancelled() const override { return cancel_ && cancel_->load(); }
  void Progress(double fraction, const std::string& message) override {
    observer_.NodeProgress(node_.name, fraction, message);
  }
  void Log(const std::string& line) override { observer_.NodeLog(node_.name, line); }
  NodeCost& cost() override { return cost_; }
  std::vector<LineageNode> lineage() const override {
    if (!node_.type->reads_lineage) return {};
    // Upstream entries only a remote cache has: their manifests hold the same metadata.
    return BuildLineage(pipeline_, plan_, store_, node_.deps, built_now_(),
                        [this](const std::string& key) -> std::optional<nlohmann::json> {
                          if (remote_ == nullptr) return std::nullopt;
                          Result<std::optional<nlohmann::json>> manifest = remote_->FindManifest(key);
                          return manifest.ok() ? manifest.value() : std::nullopt;
                        });
  }

 private:
  const ResolvedPipeline& pipeline_;
  const ResolvedNode& node_;
  fs::path out_dir_, scratch_, resume_;
  int threads_;
  const std::atomic<bool>* cancel_;
  RunObserver& observer_;
  ArtifactStore& store_;
  const Plan& plan_;
  std::function<std::set<std::string>()> built_now_;
  RemoteStore* remote_;
  NodeCost cost_;
};

double CpuSeconds() {
  rusage self{}, children{};
  getrusage(RUSAGE_SELF, &self);
  getrusage(RUSAGE_CHILDREN, &children);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(self.ru_utime) + secs(self.ru_stime) + secs(children.ru_utime) + secs(children.ru_stime);
}

// Peak memory while a node runs: the process's high-water mark (VmHWM), reset when the node
// starts, or the largest child process. getrusage's ru_maxrss cannot be used for the process: it
// survives execve, so it would report the size of whatever launched xstilts. With several nodes
// running at once this is the peak of the whole process during the node.
void ResetPeakRss() {
  std::FILE* f = std::fopen("/proc/self/clear_refs", "w");
  if (f == nullptr) return;
  std::fputs("5", f);
  std::fclose(f);
}

int64_t PeakRssBytes() {
  int64_t peak_kb = 0;
  if (std::FILE* f = std::fopen("/proc/self/status", "r")) {
    char line[256];
    while (std::fgets(line, sizeof(line), f)) {
      if (std::sscanf(line, "VmHWM: %ld kB", &peak_kb) == 1) break;
    }
    std::fclose(f);
  }
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  return std::max<int64_t>(peak_kb, children.ru_maxrss) * 1024;
}

std::string IsoTime(std::chrono::system_clock::time_point t) {
  std::time_t tt = std::chrono::system_clock::to_time_t(t);
  char buffer[32];
  std::tm utc{};
  gmtime_r(&tt, &utc);  // node threads call this at once: not std::gmtime's shared buffer
  std::strftime(buffer, sizeof(buffer), "%Y-%m-%dT%H:%M:%SZ", &utc);
  return buffer;
}

// Empty when every external file the key hashed still has the content the key holds; else what
// changed. The body has read them by now: a file that changed between planning and now would put
// an artifact under the key of content it was not made from, to be served as cached later.
std::string ChangedExternalFile(const NodePlan& plan) {
  for (const HashedFile& file : plan.files) {
    std::string now;
    try {
      now = HashContent(file.path);
    } catch (const std::exception& e) {
      return std::string(e.what()) + " (it disappeared while the node ran); nothing was cached";
    }
    if (now != file.sha256) {
      return file.path.string() + " changed while the node ran (sha256 " + file.sha256.substr(0, 12) +
             "... when the run was planned, " + now.substr(0, 12) +
             "... now); nothing was cached: run again to build from the new content";
    }
  }
  return "";
}

// Runs `forget` when it goes out of scope, on every return path.
class ForgetOnExit {
 public:
  explicit ForgetOnExit(std::function<void()> forget) : forget_(std::move(forget)) {}
  ForgetOnExit(const ForgetOnExit&) = delete;
  ForgetOnExit& operator=(const ForgetOnExit&) = delete;
  ~ForgetOnExit() { forget_(); }

 private:
  std::function<void()> forget_;
};

}  // namespace

std::map<std::string, nlohmann::json> CachingNodeRunner::records() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return records_;
}

NodeResult CachingNodeRunner::Run(size_t index, const GrantedResources& granted) {
  const ResolvedNode& node = pipeline_.nodes[index];
  nlohmann::json record;
  auto started = std::chrono::steady_clock::now();
  NodeResult result = Build(index, granted, record);
  if (result.outcome == NodeOutcome::kBusy) return result;  // not finished: the executor comes back
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  if (result.outcome == NodeOutcome::kRan) {
    std::lock_guard<std::mutex> lock(mutex_);
    records_[node.name] = record;
  }
  observer_.NodeFinished(node.name, result, record);
  return result;
}

void CachingNodeRunner::Waiting(size_t index, const std::string& why) {
  observer_.NodeWaiting(pipeline_.nodes[index].name, why);
}

void CachingNodeRunner::Upload(const std::string& node, const std::string& key) {
  // A remote found down or failing was reported once already: nothing to say per node.
  if (remote_ == nullptr || remote_->read_only() || !remote_->usable()) return;
  if (std::optional<CacheEntry> entry = store_.Lookup(key)) {
    Status uploaded = remote_->Upload(*entry);
    if (!uploaded.ok()) observer_.Note("warning: " + node + ": not uploaded: " + uploaded.message());
  }
}

std::string CachingNodeRunner::BuiltMeanwhileBy(size_t index) const {
  std::lock_guard<std::mutex> lock(mutex_);
  auto it = built_by_.find(plan_.nodes[index].key);
  if (it != built_by_.end()) return "same key as node '" + it->second + "', which built it in this run";
  return "built meanwhile by another process";
}

std::optional<FileLock> CachingNodeRunner::TryLockKey(size_t index, std::string& holder) {
  const std::string& key = plan_.nodes[index].key;
  const std::string& name = pipeline_.nodes[index].name;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto twin = building_.find(key);
    if (twin == building_.end()) {
      if (std::optional<FileLock> held = store_.TryLockKey(key)) {
        building_[key] = name;
        return held;
      }
      holder = "another process";
    } else {  // a node of this run: a flock excludes the other open files of its own process too
      holder = "node '" + twin->second + "'";
    }
    if (!told_busy_.insert(index).second) return std::nullopt;
  }
  observer_.NodeWaiting(name, holder + " is building the same key; going on with other nodes");
  return std::nullopt;
}

NodeResult CachingNodeRunner::Build(size_t index, const GrantedResources& granted, nlohmann::json& record) {
  const ResolvedNode& node = pipeline_.nodes[index];
  const NodePlan& plan = plan_.nodes[index];
  bool forced = plan.stale_kind == StaleKind::kForced;
  std::string holder;
  std::optional<FileLock> lock = TryLockKey(index, holder);
  if (!lock) return NodeResult{NodeOutcome::kBusy, holder + " is building the same key", 0};
  ForgetOnExit building([&] {
    lock.reset();  // first: a twin that still finds the key in building_ only tries again later
    std::lock_guard<std::mutex> guard(mutex_);
    building_.erase(plan.key);
  });
  if (!forced && store_.Lookup(plan.key)) return NodeResult{NodeOutcome::kCached, BuiltMeanwhileBy(index), 0};
  Result<fs::path> out_dir = store_.CreateTempDir(plan.key);
  if (!out_dir.ok()) return NodeResult{NodeOutcome::kFailed, out_dir.status().message(), 0};
  fs::path scratch = out_dir->string() + ".scratch";
  fs::path resume = store_.ResumeDir(plan.key);
  std::error_code ec;
  fs::create_directories(scratch, ec);
  fs::create_directories(resume, ec);
  auto cleanup = [&] {
    fs::remove_all(*out_dir, ec);
    fs::remove_all(scratch, ec);
  };

  observer_.NodeStarted(node.name, plan.key);
  RunnerContext context(pipeline_, node, *out_dir, scratch, resume, granted.threads, cancel_, observer_, store_,
                        plan_, [this] {
                          std::lock_guard<std::mutex> lock(mutex_);
                          std::set<std::string> names;
                          for (const auto& entry : records_) names.insert(entry.first);
                          return names;
                        },
                        remote_);
  auto wall_start = std::chrono::system_clock::now();
  auto steady_start = std::chrono::steady_clock::now();
  double cpu_start = CpuSeconds();
  ResetPeakRss();
  // Readers that load a whole external file check its bytes against this key's hash
  // (base/expected_content.h); ChangedExternalFile below re-hashes every file afterwards, for
  // those another process reads (exec deps) or that are read in pieces (directories, weights).
  std::vector<std::pair<fs::path, std::string>> expected;
  for (const HashedFile& file : plan.files) expected.emplace_back(file.path, file.sha256);
  ExpectedContentScope read_checked(std::move(expected));
  std::string failure;
  try {
    node.type->run(context);
  } catch (const InputError& e) {
    failure = e.what();
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown exception";
  }
  if (context.cancelled()) {
    cleanup();
    return NodeResult{NodeOutcome::kCancelled, "interrupted", 0};
  }
  if (failure.empty()) {
    for (const PortSpec& port : node.type->outputs) {
      if (!fs::exists(context.output(port.name))) failure = "did not write its output '" + port.name + "'";
    }
  }
  if (failure.empty()) failure = ChangedExternalFile(plan);
  if (!failure.empty()) {
    cleanup();
    return NodeResult{NodeOutcome::kFailed, node.Describe() + ": " + failure, 0};
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - steady_start).count();
  const NodeCost& cost = context.cost();
  nlohmann::json input_nodes = nlohmann::json::object();
  for (const ResolvedInput& in : node.inputs) {
    for (const InputRef& r : in.refs) input_nodes[in.port].push_back(pipeline_.nodes[r.node].name);
  }
  record = {{"node", node.name},
            {"pipeline", fs::absolute(pipeline_.file).string()},
            {"components", plan.components},
            {"input_nodes", input_nodes},
            {"producer", {{"xstilts_version", XSTILTS_VERSION}, {"host", Hostname()}, {"pid", ::getpid()}}},
            {"started_at", IsoTime(wall_start)},
            {"seconds", seconds},
            {"cpu_seconds", CpuSeconds() - cpu_start},
            {"peak_rss_bytes", PeakRssBytes()},
            {"threads", granted.threads},
            {"gpus", granted.gpus},
            {"cost",
             {{"tokens", cost.tokens}, {"flops", cost.flops}, {"parameters", cost.parameters}, {"device", cost.device}}}};
  record.update(record_extra_);
  Status published = store_.Publish(*out_dir, plan.key, record);
  fs::remove_all(scratch, ec);
  if (!published.ok()) return NodeResult{NodeOutcome::kFailed, node.Describe() + ": " + published.message(), 0};
  fs::remove_all(resume, ec);
  record["key"] = plan.key;
  Upload(node.name, plan.key);
  {
    std::lock_guard<std::mutex> lock(mutex_);  // before the key's lock is released
    built_by_[plan.key] = node.name;
  }
  return NodeResult{NodeOutcome::kRan, "", seconds};
}

}  // namespace xstilts
