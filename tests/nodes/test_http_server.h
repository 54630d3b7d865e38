// TestHttpServer: a small HTTP/1.1 server for download tests. It listens on 127.0.0.1 on an
// ephemeral port, serves byte strings from memory (a thread of the test process per connection,
// `Connection: close`), and records every request it gets and how many connections were open at
// once.
//
// Misbehaviour is switched per resource (HttpResource): ignore Range, drop the connection after N
// body bytes, answer an error status, redirect, drip slowly, or stall. Every wait is bounded: the
// server thread stops in the destructor, and on its own after `max_lifetime_seconds`.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace xstilts::testing {

struct HttpResource {
  std::string body;
  bool honour_range = true;  // false: answer 200 with the whole body even to a Range request
  // The first `status_times` requests (-1: all) get `status` with a short text body instead.
  int status = 200;
  int status_times = -1;
  // The first `drop_times` requests (-1: all) send headers for the whole reply, then only this
  // many body bytes, then close the connection. -1: never drop.
  int64_t drop_after_bytes = -1;
  int drop_times = 1;
  std::string redirect_to;  // non-empty: answer 302 with this Location
  // Send the body in `chunk_bytes` pieces with `drip_seconds` between them.
  size_t chunk_bytes = 64 * 1024;
  double drip_seconds = 0;
  // After this many body bytes, send nothing more and keep the connection open until the client
  // closes it (or 10 s pass). -1: never stall.
  int64_t stall_after_bytes = -1;
};

struct HttpRequest {
  std::string method;
  std::string target;  // as sent: path and query
  std::string path;    // without the query; resources are matched on it
  std::map<std::string, std::string> headers;  // names lowercased
  std::string Header(const std::string& name) const;  // "" when absent
};

class TestHttpServer {
 public:
  explicit TestHttpServer(double max_lifetime_seconds = 60);
  ~TestHttpServer();
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  int port() const { return port_; }
  std::string Url(const std::string& path) const;  // "http://127.0.0.1:<port><path>"
  // Adds or replaces a resource; unknown paths get 404. Thread-safe.
  void Serve(const std::string& path, HttpResource resource);
  std::vector<HttpRequest> Requests() const;  // every request so far, in order. Thread-safe.
  std::vector<HttpRequest> Requests(const std::string& path) const;
  int most_connections_at_once() const { return most_connections_; }

 private:
  void Loop(double max_lifetime_seconds);
  void Handle(int fd);
  bool SendAll(int fd, const char* data, size_t size);
  bool Wait(int fd, double seconds);  // false when the client closed or the server stops

  int listen_fd_ = -1;
  int port_ = 0;
  std::atomic<bool> stop_{false};
  std::atomic<int> open_connections_{0}, most_connections_{0};
  mutable std::mutex mutex_;
  std::map<std::string, HttpResource> resources_;
  std::map<std::string, int> served_;  // requests per path so far
  std::vector<HttpRequest> requests_;
  std::thread thread_;
};

}  // namespace xstilts::testing
