#include "tests/nodes/test_http_server.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <stdexcept>

namespace xstilts::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t\r");
  return b == std::string::npos ? "" : s.substr(b, e - b + 1);
}

const char* Reason(int status) {
  switch (status) {
    case 200: return "OK";
    case 206: return "Partial Content";
    case 302: return "Found";
    case 404: return "Not Found";
    case 416: return "Range Not Satisfiable";
    case 500: return "Internal Server Error";
    case 503: return "Service Unavailable";
    default: return "Status";
  }
}

// Reads the request head (up to the blank line), waiting at most a few seconds in total.
bool ReadHead(int fd, std::string& head) {
  char buffer[4096];
  for (int polls = 0; polls < 50 && head.find("\r\n\r\n") == std::string::npos; ++polls) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::recv(fd, buffer, sizeof(buffer), 0);
    if (n <= 0) return false;
    head.append(buffer, static_cast<size_t>(n));
    if (head.size() > 64 * 1024) return false;
  }
  return head.find("\r\n\r\n") != std::string::npos;
}

HttpRequest ParseHead(const std::string& head) {
  HttpRequest request;
  size_t line_end = head.find("\r\n");
  std::string first = head.substr(0, line_end);
  size_t a = first.find(' '), b = first.find(' ', a + 1);
  request.method = first.substr(0, a);
  request.target = a == std::string::npos ? "" : first.substr(a + 1, b - a - 1);
  request.path = request.target.substr(0, request.target.find('?'));
  size_t start = line_end + 2;
  while (start < head.size()) {
    size_t end = head.find("\r\n", start);
    if (end == std::string::npos || end == start) break;
    std::string line = head.substr(start, end - start);
    size_t colon = line.find(':');
    if (colon != std::string::npos) request.headers[Lower(line.substr(0, colon))] = Trim(line.substr(colon + 1));
    start = end + 2;
  }
  return request;
}

}  // namespace

std::string HttpRequest::Header(const std::string& name) const {
  auto it = headers.find(Lower(name));
  return it == headers.end() ? "" : it->second;
}

TestHttpServer::TestHttpServer(double max_lifetime_seconds) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listen_fd_ < 0) throw std::runtime_error("socket() failed");
  int one = 1;
  ::setsockopt(listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 || ::listen(listen_fd_, 16) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(listen_fd_);
    throw std::runtime_error("cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this, max_lifetime_seconds] { Loop(max_lifetime_seconds); });
}

TestHttpServer::~TestHttpServer() {
  stop_ = true;
  thread_.join();
  ::close(listen_fd_);
}

std::string TestHttpServer::Url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + path;
}

void TestHttpServer::Serve(const std::string& path, HttpResource resource) {
  std::lock_guard<std::mutex> lock(mutex_);
  resources_[path] = std::move(resource);
  served_[path] = 0;
}

std::vector<HttpRequest> TestHttpServer::Requests() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return requests_;
}

std::vector<HttpRequest> TestHttpServer::Requests(const std::string& path) const {
  std::vector<HttpRequest> matching;
  for (const HttpRequest& r : Requests()) {
    if (r.path == path) matching.push_back(r);
  }
  return matching;
}

void TestHttpServer::Loop(double max_lifetime_seconds) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(max_lifetime_seconds);
  std::vector<std::thread> connections;  // one thread each
  while (!stop_ && std::chrono::steady_clock::now() < deadline) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    connections.emplace_back([this, fd] {
      const int now = ++open_connections_;
      for (int most = most_connections_.load(); now > most && !most_connections_.compare_exchange_weak(most, now);) {
      }
      Handle(fd);
      ::close(fd);
      --open_connections_;
    });
  }
  for (std::thread& connection : connections) connection.join();
}

bool TestHttpServer::SendAll(int fd, const char* data, size_t size) {
  size_t sent = 0;
  // A client that stops reading gets 10 s, then the connection is dropped.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (sent < size && !stop_ && std::chrono::steady_clock::now() < deadline) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 100) <= 0) continue;
    ssize_t n = ::send(fd, data + sent, size - sent, MSG_NOSIGNAL);
    if (n <= 0) return false;
    sent += static_cast<size_t>(n);
  }
  return sent == size;
}

bool TestHttpServer::Wait(int fd, double seconds) {
  auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (!stop_ && std::chrono::steady_clock::now() < until) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 20) > 0) {
      char c;
      if (::recv(fd, &c, 1, MSG_PEEK) <= 0) return false;  // the client went away
    }
  }
  return !stop_;
}

void TestHttpServer::Handle(int fd) {
  std::string head;
  if (!ReadHead(fd, head)) return;
  HttpRequest request = ParseHead(head);
  HttpResource resource;
  bool found = false;
  int count = 0;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    requests_.push_back(request);
    auto it = resources_.find(request.path);
    if (it != resources_.end()) {
      found = true;
      resource = it->second;
      count = served_[request.path]++;
    }
  }
  int status = 200;
  std::string extra_headers, body;
  int64_t start = 0;
  if (!found) {
    status = 404;
    body = "not found\n";
  } else if (resource.status != 200 && (resource.status_times < 0 || count < resource.status_times)) {
    status = resource.status;
    body = "error " + std::to_string(status) + "\n";
  } else if (!resource.redirect_to.empty()) {
    status = 302;
    extra_headers = "Location: " + resource.redirect_to + "\r\n";
  } else {
    int64_t size = static_cast<int64_t>(resource.body.size());
    std::string range = request.Header("range");
    if (resource.honour_range && range.rfind("bytes=", 0) == 0) {
      start = std::stoll(range.substr(6));
      if (start >= size) {
        status = 416;
        extra_headers = "Content-Range: bytes */" + std::to_string(size) + "\r\n";
      } else {
        status = 206;
        extra_headers = "Content-Range: bytes " + std::to_string(start) + "-" + std::to_string(size - 1) + "/" +
                        std::to_string(size) + "\r\n";
        body = resource.body.substr(static_cast<size_t>(start));
      }
    } else {
      body = resource.body;
    }
  }
  std::string reply = "HTTP/1.1 " + std::to_string(status) + " " + Reason(status) + "\r\n" + extra_headers +
                      "Content-Length: " + std::to_string(body.size()) +
                      "\r\nContent-Type: application/octet-stream\r\nConnection: close\r\n\r\n";
  if (!SendAll(fd, reply.data(), reply.size())) return;
  bool drop = status / 100 == 2 && resource.drop_after_bytes >= 0 &&
              (resource.drop_times < 0 || count < resource.drop_times);
  size_t limit = drop ? std::min(body.size(), static_cast<size_t>(resource.drop_after_bytes)) : body.size();
  size_t stall = resource.stall_after_bytes >= 0 ? static_cast<size_t>(resource.stall_after_bytes) : body.size();
  size_t sent = 0;
  while (sent < limit && !stop_) {
    if (sent >= stall) {
      Wait(fd, 10);
      return;
    }
    size_t n = std::min({resource.chunk_bytes, limit - sent, stall - sent});
    if (!SendAll(fd, body.data() + sent, n)) return;
    sent += n;
    if (resource.drip_seconds > 0 && sent < limit && !Wait(fd, resource.drip_seconds)) return;
  }
  ::shutdown(fd, SHUT_WR);
}

}  // namespace xstilts::testing
