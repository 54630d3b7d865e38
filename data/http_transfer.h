// HTTP(S) with libcurl, for the download node (nodes/download_node.cc) and the remote cache
// (data/remote_store.h): FetchToFile, one GET into a partial file that may already hold a prefix
// of the content (the caller decides about mirrors, retries and checksums), and Request, one
// HEAD, GET or PUT with a small reply. Both verify TLS; HttpAuth adds credentials.
//
// Resuming: when `file` is not empty, the request carries `Range: bytes=<size>-`. A 206 reply
// whose Content-Range starts at that offset is appended; a 200 reply (a server that ignores
// Range) truncates the file and writes the whole body from byte 0; a 416 reply is reported as
// kRangeNotSatisfiable with the file untouched (the caller checks whether it is already complete).
// Bytes received before a dropped connection stay in the file, so the next call continues there.
//
// Threads: any thread; each call uses its own curl handle. Fails by returning an outcome, never
// by throwing, except when the partial file cannot be opened or written (std::runtime_error).
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <string>

namespace xstilts {

// Credentials and trust for a request. User and password may also be in the URL
// (https://user:pass@host/); RedactUrl removes them for messages.
struct HttpAuth {
  std::string bearer_token;        // sent as "Authorization: Bearer <token>" when not empty
  std::filesystem::path ca_file;   // CA certificates to verify servers with, in place of the system's; TLS is always verified
  bool netrc = true;               // take user and password from ~/.netrc when the URL has none
};

// `url` without user:password@ and without its query (which may hold a token): for messages.
std::string RedactUrl(const std::string& url);

struct TransferOptions {
  std::string url;             // http:// or https:// (other schemes are refused by curl)
  HttpAuth auth;
  std::filesystem::path file;  // the partial file; created if missing
  // Abort when no byte arrives for this many seconds (also the connect timeout). 0: no limit.
  double stall_timeout_seconds = 0;
  // Polled during the transfer (at least once a second); true aborts it with kCancelled.
  std::function<bool()> cancelled;
  // Bytes of the whole file present so far and its total size (-1 while unknown).
  std::function<void(int64_t done, int64_t total)> progress;
  // Called with each piece of the body as it is written, and the file offset it is written at:
  // lets the caller hash the bytes on the way instead of reading the file again.
  std::function<void(const char* data, size_t size, int64_t offset)> on_body;
};

enum class TransferOutcome {
  kComplete,             // the server sent the rest of the file (its checksum is not checked here)
  kHttpError,            // a reply status >= 400 other than 416; the file is untouched
  kRangeNotSatisfiable,  // 416 to our Range request: the file may already be complete
  kNetworkError,         // connect failure, timeout, dropped connection, malformed reply
  kCancelled,
};

struct TransferResult {
  TransferOutcome outcome = TransferOutcome::kNetworkError;
  long http_status = 0;        // the final reply's status (0 when none arrived)
  std::string error;           // for failures: curl's detail or "HTTP 404"
  int64_t resumed_from = 0;    // the offset the server continued from (0: the body started at byte 0)
  int64_t bytes_received = 0;  // body bytes written to the file by this call
  std::string range_sent;      // the Range header value sent ("" when the file was empty)
};

TransferResult FetchToFile(const TransferOptions& options);

struct RequestOptions {
  std::string method = "GET";  // GET, HEAD or PUT
  std::string url;
  HttpAuth auth;
  std::string body;                  // PUT: the body, unless body_file is set
  std::filesystem::path body_file;   // PUT: streamed from this file
  size_t max_reply_bytes = 64 << 20; // a longer reply body fails the request
  double timeout_seconds = 30;       // connect timeout, and the limit without any byte moving
};

struct Reply {
  long status = 0;     // 0: no reply (the error says why)
  std::string body;    // GET: the reply body
  std::string error;   // curl's detail when status is 0
};

// One request; never throws (a file that cannot be read is an error reply with status 0).
Reply Request(const RequestOptions& options);

// True for failures worth retrying on the same URL: network errors and HTTP 408, 429, 5xx.
bool IsTransient(const TransferResult& result);

}  // namespace xstilts
