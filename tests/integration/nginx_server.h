// NginxServer: a WebDAV nginx on 127.0.0.1 for the remote cache's tests, started by
// scripts/nginx-webdav.sh in a folder of the test and stopped (that pid only) when destroyed.
#pragma once

#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace xstilts::testing {

class NginxServer {
 public:
  // Serves `dir`/root; PUT needs user:password. With `tls`, over https with a self-signed
  // certificate (ca()). installed() is false when nginx is not installed; a failure to start
  // otherwise is an error for the test to report.
  NginxServer(const std::filesystem::path& dir, const std::string& user, const std::string& password, bool tls = false)
      : dir_(dir), port_(FreePort()) {
    const std::string start = Script() + " start '" + dir_.string() + "' " + std::to_string(port_) + " '" + user + ":" +
                              password + "'" + (tls ? " tls" : "") + " 2> '" + dir_.string() + ".err'";
    const int rc = std::system(start.c_str());
    status_ = WIFEXITED(rc) ? WEXITSTATUS(rc) : 1;
    const std::string scheme = tls ? "https://" : "http://";
    url_ = scheme + user + ":" + password + "@127.0.0.1:" + std::to_string(port_) + "/cache";
    shown_url_ = scheme + "127.0.0.1:" + std::to_string(port_) + "/cache";
  }
  ~NginxServer() {
    if (status_ == 0) (void)std::system((Script() + " stop '" + dir_.string() + "'").c_str());
  }
  NginxServer(const NginxServer&) = delete;
  NginxServer& operator=(const NginxServer&) = delete;

  bool installed() const { return status_ != 77; }  // the script's "nginx is not installed"
  bool running() const { return status_ == 0; }
  const std::string& url() const { return url_; }              // with the credentials
  const std::string& shown_url() const { return shown_url_; }  // as xstilts prints it
  std::filesystem::path root() const { return dir_ / "root"; }
  std::filesystem::path access_log() const { return dir_ / "access.log"; }
  std::filesystem::path ca() const { return dir_ / "tls.crt"; }  // the certificate, with tls

  // A port nothing listens on at the moment.
  static int FreePort() {
    const int s = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof(address);
    const bool ok = ::bind(s, reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0 &&
                    ::getsockname(s, reinterpret_cast<sockaddr*>(&address), &length) == 0;
    ::close(s);
    return ok ? ntohs(address.sin_port) : 0;
  }

 private:
  static std::string Script() {
    return (std::filesystem::path(XSTILTS_SOURCE_DIR) / "scripts" / "nginx-webdav.sh").string();
  }
  std::filesystem::path dir_;
  int port_;
  int status_ = 1;
  std::string url_, shown_url_;
};

}  // namespace xstilts::testing
