// download: fetches one file over HTTP(S) from a list of mirrors, checks its SHA-256 and stores it
// (unpacked when it is an archive) as a files bundle. Resumable across attempts and runs.
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "base/byte_sizes.h"
#include "base/input_error.h"
#include "base/sha256.h"
#include "data/file_bundle.h"
#include "graph/registry.h"
#include "nodes/archive_unpack.h"
#include "data/http_transfer.h"

namespace fs = std::filesystem;

namespace xstilts {
namespace {

// The partial file lives in the resume directory, which the runner keeps when a run of this key
// fails or is interrupted and removes once the artifact is published.
const char kPartialName[] = "partial";

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool EndsWith(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool UsableFileName(const std::string& name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string::npos &&
         name.find('\0') == std::string::npos;
}

// The last path segment of a URL, percent-decoded; "" when there is none worth using.
std::string LastSegment(const std::string& url) {
  size_t scheme = url.find("://");
  size_t path_start = url.find('/', scheme == std::string::npos ? 0 : scheme + 3);
  if (path_start == std::string::npos) return "";
  std::string path = url.substr(path_start, url.find_first_of("?#", path_start) - path_start);
  std::string segment = path.substr(path.rfind('/') + 1), decoded;
  for (size_t i = 0; i < segment.size(); ++i) {
    if (segment[i] == '%' && i + 2 < segment.size() && HexValue(segment[i + 1]) >= 0 && HexValue(segment[i + 2]) >= 0) {
      decoded += static_cast<char>(HexValue(segment[i + 1]) * 16 + HexValue(segment[i + 2]));
      i += 2;
    } else {
      decoded += segment[i];
    }
  }
  return UsableFileName(decoded) ? decoded : "";
}

struct Source {
  std::vector<std::string> urls;
  std::string sha256;  // lowercase hex
  std::string name;    // the stored file's name (plain files) and what `auto` looks at
  std::string unpack;  // resolved: "none", "tar.gz" or "zip"
};

// Validates the parameters and resolves what depends on the first URL. Both the cache key and
// the body use it, so that which mirror answered never changes the artifact.
Source ReadSource(const nlohmann::json& params) {
  Source s;
  s.urls = params["urls"].get<std::vector<std::string>>();
  if (s.urls.empty()) throw InputError("parameter 'urls' is empty; give at least one http:// or https:// URL");
  for (const std::string& url : s.urls) {
    std::string lower = Lower(url);
    if (lower.rfind("http://", 0) != 0 && lower.rfind("https://", 0) != 0) {
      throw InputError("URL '" + url + "' is not http:// or https://");
    }
  }
  s.sha256 = params["sha256"].get<std::string>();
  if (s.sha256.size() != 64 || !std::all_of(s.sha256.begin(), s.sha256.end(), [](char c) { return HexValue(c) >= 0; })) {
    throw InputError("parameter 'sha256' must be 64 hexadecimal digits (the SHA-256 of the file), got '" + s.sha256 + "'");
  }
  s.sha256 = Lower(s.sha256);
  s.name = params["name"].get<std::string>();
  if (s.name.empty()) {
    s.name = LastSegment(s.urls[0]);
    if (s.name.empty()) s.name = "download";
  } else if (!UsableFileName(s.name)) {
    throw InputError("parameter 'name' must be a file name without '/', got '" + s.name + "'");
  }
  s.unpack = params["unpack"].get<std::string>();
  if (s.unpack == "auto") {
    std::string lower = Lower(s.name);
    s.unpack = EndsWith(lower, ".tar.gz") || EndsWith(lower, ".tgz") ? "tar.gz" : EndsWith(lower, ".zip") ? "zip" : "none";
  }
  return s;
}

int64_t SizeOf(const fs::path& path) {
  std::error_code ec;
  auto size = fs::file_size(path, ec);
  return ec ? 0 : static_cast<int64_t>(size);
}

// Sleeps in short slices so that cancellation is not delayed by a retry's back-off.
void WaitUnlessCancelled(NodeContext& ctx, double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!ctx.cancelled() && std::chrono::steady_clock::now() < until) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

std::string Attempts(int n) { return n == 1 ? "1 attempt" : std::to_string(n) + " attempts"; }

// Tries the URLs in order until one yields the expected content in `partial`. Returns the URL
// that did, "" when cancelled; throws with every URL's failure otherwise.
std::string Fetch(NodeContext& ctx, const Source& source, const fs::path& partial) {
  const nlohmann::json& params = ctx.params();
  int retries = std::max(0, params["retries"].get<int>());
  std::vector<std::string> failures;
  auto last_report = std::chrono::steady_clock::now() - std::chrono::seconds(1);
  TransferOptions options;
  options.file = partial;
  options.stall_timeout_seconds = params["timeout"].get<double>();
  options.cancelled = [&ctx] { return ctx.cancelled(); };
  options.progress = [&](int64_t done, int64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (now - last_report < std::chrono::milliseconds(200) && done != total) return;
    last_report = now;
    ctx.Progress(total > 0 ? static_cast<double>(done) / static_cast<double>(total) : -1.0,
                 FormatBytes(done) + (total > 0 ? " / " + FormatBytes(total) : ""));
  };
  for (const std::string& url : source.urls) {
    options.url = url;
    int failed_attempts = 0, empty_failures = 0;
    while (true) {
      if (ctx.cancelled()) return "";
      TransferResult r = FetchToFile(options);
      if (r.outcome == TransferOutcome::kCancelled) return "";
      if (!r.range_sent.empty()) {
        ctx.Log("asked " + url + " for " + r.range_sent + ": " +
                (r.outcome == TransferOutcome::kRangeNotSatisfiable ? "416, nothing left to send"
                 : r.resumed_from > 0                              ? "resumed at byte " + std::to_string(r.resumed_from)
                 : r.http_status == 200                            ? "the server ignored the range; restarted from byte 0"
                                                                   : r.error));
      }
      bool have_bytes = r.outcome == TransferOutcome::kComplete ||
                        (r.outcome == TransferOutcome::kRangeNotSatisfiable && !r.range_sent.empty());
      if (have_bytes) {
        std::string actual = Sha256File(partial);
        if (actual == source.sha256) return url;
        int64_t size = SizeOf(partial);
        fs::remove(partial);
        // A file assembled from several transfers may hold a stale prefix; only a whole fresh
        // download from this URL proves that the URL itself serves other content.
        if (r.resumed_from > 0 || r.outcome == TransferOutcome::kRangeNotSatisfiable) {
          ctx.Log("the resumed file does not match the checksum; downloading " + url + " again from byte 0");
          continue;
        }
        failures.push_back(url + ": SHA-256 mismatch: expected " + source.sha256 + ", got " + actual + " (" +
                           std::to_string(size) + " bytes); the download was discarded");
        break;
      }
      ++failed_attempts;
      empty_failures = r.bytes_received > 0 ? 0 : empty_failures + 1;
      if (!IsTransient(r) || failed_attempts > retries) {
        failures.push_back(url + ": " + r.error + " (after " + Attempts(failed_attempts) + ")");
        break;
      }
      // Progress made: continue at once. Nothing received: back off 0.5 s, 1 s, 2 s ... 10 s.
      double wait = empty_failures == 0 ? 0.0 : std::min(10.0, 0.5 * std::pow(2.0, empty_failures - 1));
      char in[32] = "";
      if (wait > 0) std::snprintf(in, sizeof(in), " in %.1f s", wait);
      ctx.Log(url + ": " + r.error + "; retrying" + in);
      WaitUnlessCancelled(ctx, wait);
    }
  }
  std::string message = failures.size() == 1 ? failures[0] : "no URL delivered the file:";
  if (failures.size() > 1) {
    for (const std::string& f : failures) message += "\n  " + f;
  }
  int64_t kept = SizeOf(partial);
  if (kept > 0) message += "\n(" + std::to_string(kept) + " bytes are kept; the next run resumes from there)";
  throw std::runtime_error(message);
}

void RunDownload(NodeContext& ctx) {
  Source source = ReadSource(ctx.params());
  fs::path partial = ctx.resume_dir() / kPartialName;
  int64_t kept = SizeOf(partial);
  if (kept > 0) ctx.Log("resuming with " + std::to_string(kept) + " bytes from an earlier attempt");
  std::string url = Fetch(ctx, source, partial);
  if (url.empty()) return;  // cancelled: the runner discards the node and keeps the partial file
  int64_t size = SizeOf(partial);
  ctx.Log("downloaded " + std::to_string(size) + " bytes (" + FormatBytes(size) + ") from " + url +
          "; SHA-256 verified");
  ctx.Progress(1.0, FormatBytes(size));
  fs::path files = ctx.scratch_dir() / "files";
  fs::create_directories(files);
  if (source.unpack == "none") {
    // A hard link where possible (the resume and scratch directories are both in the cache): no
    // copy, and the partial file stays for a retry if publishing fails. Not a symbolic link:
    // PackFiles names files by their resolved path.
    std::error_code ec;
    fs::create_hard_link(partial, files / source.name, ec);
    if (ec) fs::copy_file(partial, files / source.name);
  } else {
    UnpackResult unpacked;
    try {
      unpacked = UnpackArchive(partial, source.unpack == "zip" ? ArchiveFormat::kZip : ArchiveFormat::kTarGz, files);
    } catch (const InputError& e) {
      fs::remove(partial);  // the content is what was asked for; downloading it again cannot help
      throw InputError(url + ": " + e.what());
    }
    for (const std::string& s : unpacked.skipped) ctx.Log("skipped archive entry " + s);
    ctx.Log("unpacked " + std::to_string(unpacked.files) + " files (" + FormatBytes(unpacked.bytes) + ")");
  }
  PackFiles(files, ctx.output("out"));
}

// Content-addressed: the key holds the checksum (a param) and what shapes the artifact (here),
// not the URLs, so that adding or replacing mirrors keeps the cached artifact.
nlohmann::json DownloadKey(const nlohmann::json& params, const fs::path&, FileHasher&) {
  Source source = ReadSource(params);
  nlohmann::json key = {{"unpack", source.unpack}};
  if (source.unpack == "none") key["name"] = source.name;
  return key;
}

NodeType MakeDownloadNodeType() {
  NodeType t;
  t.name = "download";
  t.summary = "Downloads a file over HTTP(S) from mirrors, checks its SHA-256 and stores it (unpacked if an archive).";
  t.example = R"(corpus:
  type: download
  params:
    urls: ["https://example.org/data/corpus.tar.gz", "https://mirror.example.net/corpus.tar.gz"]
    sha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")";
  t.version = 1;
  t.outputs = {PortSpec{"out", "files", "the downloaded file, or the archive's files"}};
  t.params = {
      ParamSpec{"urls", ParamType::kStringList, nullptr, "mirrors of the same file, tried in order (http:// or https://)",
                {}, false},
      ParamSpec{"sha256", ParamType::kString, nullptr, "SHA-256 (hex) of the whole file; with the unpack format and stored name, the cache key"},
      ParamSpec{"unpack", ParamType::kString, "auto",
                "unpack an archive into the bundle; auto: by the file name's suffix (.tar.gz, .tgz, .zip)",
                {"auto", "none", "tar.gz", "zip"}},
      ParamSpec{"name", ParamType::kString, "", "name of a file stored as is (default: the first URL's last path segment)"},
      ParamSpec{"timeout", ParamType::kFloat, 60.0, "seconds without receiving a byte before an attempt fails; 0 = no limit",
                {}, false},
      ParamSpec{"retries", ParamType::kInt, 3, "further attempts per URL after a network error, HTTP 408, 429 or 5xx",
                {}, false},
  };
  t.resources.threads = 1;
  t.run = RunDownload;
  t.extra_key = DownloadKey;
  return t;
}

}  // namespace

XSTILTS_REGISTER_NODE_TYPE(MakeDownloadNodeType);

}  // namespace xstilts
