#pragma once
// A kept-alive HTTP/1.1 connection to tgsim's control API: TgsimProcess::Control
// makes one call on one; callers that make many in a row (benchmarks posting
// messages at a fixed rate) keep one open and pay no connect, accept and close
// per call.
#include <string>

#include <nlohmann/json.hpp>

#include "sim/testing/tgsim_process.h"

namespace tgsim::testing {

class ControlConnection {
 public:
  explicit ControlConnection(int port) : port_(port) {}
  ~ControlConnection();
  ControlConnection(const ControlConnection&) = delete;
  ControlConnection& operator=(const ControlConnection&) = delete;

  // One call to /control`path`; connects on first use (throws
  // std::runtime_error when tgsim cannot be reached), and once more when tgsim
  // closed the kept connection. Status 0 when tgsim did not answer.
  // Not thread-safe: one connection per thread.
  HttpResult Call(const std::string& method, const std::string& path, const nlohmann::json& body = nullptr);

 private:
  void Connect();
  void Close();
  // The request written and its answer read on the open connection; false
  // when the connection failed before a whole answer came.
  bool Exchange(const std::string& request, HttpResult& result);

  int port_;
  int fd_ = -1;
  std::string buffer_;  // bytes read past the previous answer
};

}  // namespace tgsim::testing
