#include "data/http_transfer.h"

#include <curl/curl.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <stdexcept>
#include <strings.h>

#include "base/version.h"

namespace xstilts {
namespace {

// curl_global_init is not safe to race with other curl calls; do it once, before any handle.
void InitCurlOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

// Applies `auth` to `curl`; adds to `headers`, which the caller frees after the transfer.
void ApplyAuth(CURL* curl, const HttpAuth& auth, curl_slist*& headers) {
  if (!auth.bearer_token.empty()) headers = curl_slist_append(headers, ("Authorization: Bearer " + auth.bearer_token).c_str());
  if (!auth.ca_file.empty()) curl_easy_setopt(curl, CURLOPT_CAINFO, auth.ca_file.c_str());
  if (auth.netrc) curl_easy_setopt(curl, CURLOPT_NETRC, static_cast<long>(CURL_NETRC_OPTIONAL));
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
  curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
  if (headers) curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
}

bool StartsWithNoCase(const std::string& s, const char* prefix) {
  size_t n = std::strlen(prefix);
  return s.size() >= n && strncasecmp(s.data(), prefix, n) == 0;
}

// One transfer's state, shared with curl's callbacks.
struct Transfer {
  const TransferOptions* options = nullptr;
  int fd = -1;
  int64_t requested_from = 0;  // the file's size when the request was sent
  int64_t size = 0;            // bytes in the file now
  int64_t written_back = 0;    // bytes before this offset are on their way to the disk
  // Parsed from the latest reply's headers (a redirect starts a new reply).
  long status = 0;
  int64_t range_start = -1, range_total = -1, content_length = -1;
  bool body_started = false;
  std::chrono::steady_clock::time_point last_activity = std::chrono::steady_clock::now();
  bool cancelled = false;
  std::string abort_reason;  // why a callback stopped the transfer
  std::string io_error;      // the partial file could not be written
  TransferResult result;

  // Starts writing the received bytes to the disk every 8 MiB, without waiting for it: whoever
  // keeps the file fsyncs it (the cache does before publishing), and that fsync then finds little
  // left to write instead of the whole file.
  void StartWriteBack() {
#ifdef __linux__
    constexpr int64_t kWriteBackChunk = 8 << 20;
    if (size - written_back < kWriteBackChunk) return;
    ::sync_file_range(fd, written_back, size - written_back, SYNC_FILE_RANGE_WRITE);  // advice: errors ignored
    written_back = size;
#endif
  }

  int64_t Total() const {
    if (range_total >= 0) return range_total;
    if (content_length >= 0 && body_started) return result.resumed_from + content_length;
    return -1;
  }

  // Callbacks must not throw through curl's C frames: failures are recorded in io_error.
  bool Truncate(int64_t length) {
    if (::ftruncate(fd, length) != 0 || ::lseek(fd, length, SEEK_SET) < 0) {
      io_error = "cannot truncate " + options->file.string() + ": " + std::strerror(errno);
      return false;
    }
    size = length;
    written_back = std::min(written_back, length);
    return true;
  }

  // Decides, at the first body byte of the final reply, where the body goes in the file.
  bool StartBody() {
    body_started = true;
    if (status >= 400) {
      abort_reason = "http";  // do not download error pages; the status says enough
      return false;
    }
    if (status == 206) {
      if (range_start < 0 || range_start > size) {
        abort_reason = "the server answered 'Range: bytes=" + std::to_string(requested_from) +
                       "-' with a part starting at byte " + std::to_string(range_start);
        return false;
      }
      // A part starting earlier than asked overlaps bytes we hold; the content is the same.
      result.resumed_from = range_start;
      return Truncate(range_start);
    }
    result.resumed_from = 0;
    return Truncate(0);  // 200: the server ignored Range and sends the whole file
  }
};

size_t OnHeader(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->last_activity = std::chrono::steady_clock::now();
  std::string line(data, size * count);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.pop_back();
  if (StartsWithNoCase(line, "HTTP/")) {
    size_t space = line.find(' ');
    t->status = space == std::string::npos ? 0 : std::strtol(line.c_str() + space + 1, nullptr, 10);
    t->range_start = t->range_total = t->content_length = -1;
  } else if (StartsWithNoCase(line, "content-length:")) {
    t->content_length = std::strtoll(line.c_str() + 15, nullptr, 10);
  } else if (StartsWithNoCase(line, "content-range:")) {
    // "bytes 100-199/1000", "bytes 100-199/*" or, with 416, "bytes */1000".
    std::string value = line.substr(14);
    size_t bytes = value.find("bytes");
    if (bytes != std::string::npos) {
      std::string spec = value.substr(bytes + 5);
      size_t slash = spec.find('/');
      if (spec.find('*') == std::string::npos || spec.find('*') > slash) {
        t->range_start = std::strtoll(spec.c_str(), nullptr, 10);
      }
      if (slash != std::string::npos && spec.compare(slash + 1, 1, "*") != 0) {
        t->range_total = std::strtoll(spec.c_str() + slash + 1, nullptr, 10);
      }
    }
  }
  return size * count;
}

size_t OnBody(char* data, size_t size, size_t count, void* user) {
  auto* t = static_cast<Transfer*>(user);
  t->last_activity = std::chrono::steady_clock::now();
  size_t n = size * count;
  if (t->status >= 300 && t->status < 400) return n;  // a redirect's own body
  if (!t->body_started && !t->StartBody()) return 0;
  size_t written = 0;
  while (written < n) {
    ssize_t w = ::write(t->fd, data + written, n - written);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) {
      t->io_error = "cannot write " + t->options->file.string() + ": " + std::strerror(errno);
      return 0;
    }
    written += static_cast<size_t>(w);
  }
  if (t->options->on_body) t->options->on_body(data, n, t->size);
  t->size += static_cast<int64_t>(n);
  t->StartWriteBack();
  t->result.bytes_received += static_cast<int64_t>(n);
  return n;
}

int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* t = static_cast<Transfer*>(user);
  try {
    if (t->options->cancelled && t->options->cancelled()) {
      t->cancelled = true;
      return 1;
    }
    double idle = std::chrono::duration<double>(std::chrono::steady_clock::now() - t->last_activity).count();
    if (t->options->stall_timeout_seconds > 0 && idle > t->options->stall_timeout_seconds) {
      char reason[96];
      std::snprintf(reason, sizeof(reason), "no data received within the %g s timeout", t->options->stall_timeout_seconds);
      t->abort_reason = reason;
      return 1;
    }
    if (t->options->progress) t->options->progress(t->size, t->Total());
  } catch (const std::exception& e) {
    t->io_error = e.what();
    return 1;
  }
  return 0;
}

}  // namespace

bool IsTransient(const TransferResult& result) {
  switch (result.outcome) {
    case TransferOutcome::kNetworkError: return true;
    case TransferOutcome::kHttpError:
      return result.http_status == 408 || result.http_status == 429 || result.http_status >= 500;
    default: return false;
  }
}

TransferResult FetchToFile(const TransferOptions& options) {
  InitCurlOnce();
  Transfer t;
  t.options = &options;
  t.fd = ::open(options.file.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0666);  // the umask decides
  if (t.fd < 0) throw std::runtime_error("cannot open " + options.file.string() + ": " + std::strerror(errno));
  struct stat st;
  if (::fstat(t.fd, &st) != 0 || ::lseek(t.fd, st.st_size, SEEK_SET) < 0) {
    ::close(t.fd);
    throw std::runtime_error("cannot read the size of " + options.file.string());
  }
  t.size = t.requested_from = st.st_size;

  CURL* curl = curl_easy_init();
  if (!curl) {
    ::close(t.fd);
    throw std::runtime_error("cannot create a curl handle");
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 1L);
  curl_easy_setopt(curl, CURLOPT_MAXREDIRS, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // no SIGALRM in a multi-threaded process
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "xstilts/" XSTILTS_VERSION);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  curl_slist* headers = nullptr;
  ApplyAuth(curl, options.auth, headers);
  curl_easy_setopt(curl, CURLOPT_BUFFERSIZE, 512L * 1024);  // fewer, larger writes (curl's default: 16 KiB)
  // CURLOPT_RANGE rather than RESUME_FROM: with RESUME_FROM curl itself fails on a 200 reply,
  // while a server that ignores Range is simply a restart for us.
  if (t.requested_from > 0) {
    t.result.range_sent = "bytes=" + std::to_string(t.requested_from) + "-";
    std::string range = std::to_string(t.requested_from) + "-";
    curl_easy_setopt(curl, CURLOPT_RANGE, range.c_str());  // curl copies the string
  }
  // The stall timeout is checked in OnProgress: curl's own LOW_SPEED_TIME averages the speed over
  // several seconds, so a stall after a burst went unnoticed for 5 s more than asked.
  if (options.stall_timeout_seconds > 0) {
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     std::max(1L, static_cast<long>(options.stall_timeout_seconds * 1000)));
  }
  curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
  curl_easy_setopt(curl, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, OnProgress);
  curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &t);
  curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);

  CURLcode code = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  // A 200 reply with an empty body never reaches OnBody, but still replaces what we held.
  if (code == CURLE_OK && !t.body_started && status >= 200 && status < 300 && status != 206 && t.size > 0) {
    t.Truncate(0);
  }
  ::close(t.fd);
  if (!t.io_error.empty()) throw std::runtime_error(t.io_error);

  TransferResult& r = t.result;
  r.http_status = status;
  if (t.cancelled) {
    r.outcome = TransferOutcome::kCancelled;
  } else if (status >= 400) {
    r.outcome = status == 416 ? TransferOutcome::kRangeNotSatisfiable : TransferOutcome::kHttpError;
    r.error = "HTTP " + std::to_string(status);
  } else if (code != CURLE_OK) {
    r.outcome = TransferOutcome::kNetworkError;
    r.error = !t.abort_reason.empty() ? t.abort_reason : error[0] ? error : curl_easy_strerror(code);
  } else if (status < 200 || status >= 300) {
    r.outcome = TransferOutcome::kNetworkError;
    r.error = "unexpected HTTP status " + std::to_string(status);
  } else if (t.range_total >= 0 && t.size != t.range_total) {
    r.outcome = TransferOutcome::kNetworkError;
    r.error = "the reply ended at byte " + std::to_string(t.size) + " of " + std::to_string(t.range_total);
  } else {
    r.outcome = TransferOutcome::kComplete;
  }
  return r;
}

std::string RedactUrl(const std::string& url) {
  std::string out = url.substr(0, url.find_first_of("?#"));
  const size_t scheme = out.find("://");
  const size_t host = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t path = out.find('/', host);
  const size_t at = out.rfind('@', path == std::string::npos ? out.size() : path);
  if (at != std::string::npos && at >= host) out.erase(host, at + 1 - host);
  return out;
}

namespace {

struct RequestState {
  const RequestOptions* options = nullptr;
  std::string body;
  bool too_long = false;
  std::FILE* upload = nullptr;
  size_t offset = 0;  // into options->body when uploading from memory
};

size_t OnReplyBody(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<RequestState*>(user);
  const size_t n = size * count;
  if (r->body.size() + n > r->options->max_reply_bytes) {
    r->too_long = true;
    return 0;
  }
  r->body.append(data, n);
  return n;
}

size_t OnUploadBody(char* data, size_t size, size_t count, void* user) {
  auto* r = static_cast<RequestState*>(user);
  const size_t room = size * count;
  if (r->upload != nullptr) {
    const size_t n = std::fread(data, 1, room, r->upload);
    return std::ferror(r->upload) ? CURL_READFUNC_ABORT : n;
  }
  const size_t n = std::min(room, r->options->body.size() - r->offset);
  std::memcpy(data, r->options->body.data() + r->offset, n);
  r->offset += n;
  return n;
}

}  // namespace

Reply Request(const RequestOptions& options) {
  InitCurlOnce();
  Reply reply;
  RequestState state;
  state.options = &options;
  curl_off_t upload_size = static_cast<curl_off_t>(options.body.size());
  if (options.method == "PUT" && !options.body_file.empty()) {
    state.upload = std::fopen(options.body_file.c_str(), "rb");
    struct stat st;
    if (state.upload == nullptr || ::fstat(::fileno(state.upload), &st) != 0) {
      reply.error = "cannot read " + options.body_file.string() + ": " + std::strerror(errno);
      if (state.upload) std::fclose(state.upload);
      return reply;
    }
    upload_size = st.st_size;
  }
  CURL* curl = curl_easy_init();
  if (!curl) {
    if (state.upload) std::fclose(state.upload);
    reply.error = "cannot create a curl handle";
    return reply;
  }
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(curl, CURLOPT_URL, options.url.c_str());
  curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_USERAGENT, "xstilts/" XSTILTS_VERSION);
  curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
  const long timeout_ms = std::max(1L, static_cast<long>(options.timeout_seconds * 1000));
  curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_LIMIT, 1L);
  curl_easy_setopt(curl, CURLOPT_LOW_SPEED_TIME, std::max(1L, timeout_ms / 1000));
  curl_slist* headers = nullptr;
  ApplyAuth(curl, options.auth, headers);
  if (options.method == "HEAD") {
    curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
  } else if (options.method == "PUT") {
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, upload_size);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnUploadBody);
    curl_easy_setopt(curl, CURLOPT_READDATA, &state);
  }
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnReplyBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &state);
  const CURLcode code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply.status);
  curl_easy_cleanup(curl);
  curl_slist_free_all(headers);
  if (state.upload) std::fclose(state.upload);
  if (state.too_long) {
    reply.status = 0;
    reply.error = "the reply is longer than " + std::to_string(options.max_reply_bytes) + " bytes";
  } else if (code != CURLE_OK) {
    reply.status = 0;
    reply.error = error[0] ? error : curl_easy_strerror(code);
  }
  reply.body = std::move(state.body);
  return reply;
}

}  // namespace xstilts
