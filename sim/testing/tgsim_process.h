#pragma once
// Test harness: runs a tgsim child process on a free port and talks to its control API.
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tgsim::testing {

struct HttpResult {
  int status = 0;
  nlohmann::json body;  // null for an empty body
  std::string raw;      // the body as received (bytes of GET /control/files/…)
};

class TgsimProcess {
 public:
  // Starts `binary --port 0 extra_args…` and waits for "tgsim listening on 127.0.0.1:P".
  explicit TgsimProcess(const std::string& binary, std::vector<std::string> extra_args = {});
  ~TgsimProcess();  // SIGTERM, then wait
  TgsimProcess(const TgsimProcess&) = delete;
  TgsimProcess& operator=(const TgsimProcess&) = delete;

  int port() const { return port_; }
  int pid() const { return pid_; }
  std::string address() const { return "127.0.0.1:" + std::to_string(port_); }
  // One call to the control API on a connection of its own (ControlConnection
  // keeps one open for many).
  HttpResult Control(const std::string& method, const std::string& path,
                     const nlohmann::json& body = nullptr) const;

 private:
  int pid_ = -1;
  int port_ = 0;
};

}  // namespace tgsim::testing
