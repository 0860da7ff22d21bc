// Load against HTTP servers for benchmarks: a free loopback port, nginx
// serving static files from a temp dir (Debian's nginx-light), and wrk.
#pragma once

#include <filesystem>
#include <map>
#include <memory>
#include <string>

#include "tests/support/process.h"

namespace tgmux::testing {

// A port nobody listens on now (the caller's server takes it a moment later),
// below the kernel's ephemeral range so that no outgoing connection takes it.
int FreeLoopbackPort();

// nginx with one worker on 127.0.0.1:<free port>, serving `files` (name ->
// body, as application/json) from a temp dir, without an access log.
class NginxServer {
 public:
  explicit NginxServer(const std::map<std::string, std::string>& files);
  ~NginxServer();
  // Starts nginx; false when it did not answer in time (its error log is kept).
  bool Start();
  int port() const { return port_; }
  std::string ErrorLog() const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::unique_ptr<Process> process_;
};

struct WrkOptions {
  int threads = 1;
  int connections = 32;
  int seconds = 3;
  std::map<std::string, std::string> headers;
  std::string script;  // a Lua script's text (wrk -s): e.g. a request() that varies each request
};

struct WrkResult {
  double requests_per_s = 0;
  long requests = 0;  // answered, whatever their status
  long non_2xx = 0;  // answers that were not 2xx or 3xx, and socket errors
  std::string output;  // wrk's own text, for a failure's message
};

// Runs wrk against `url`; requests_per_s is 0 when wrk could not run.
WrkResult RunWrk(const std::string& url, const WrkOptions& options);

}  // namespace tgmux::testing
