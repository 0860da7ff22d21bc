// A small blocking HTTP/1.1 client (one connection per call) for the command
// line tools that talk to a running tgmux, and for end-to-end tests.
#pragma once

#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <string>

namespace tgmux {

struct HttpResponse {
  int status = 0;                              // 0: no answer (connection failed)
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;

  nlohmann::json Json() const;  // throws on invalid JSON
  std::string Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  HttpClient(std::string host, int port) : host_(std::move(host)), port_(port) {}

  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       std::map<std::string, std::string> headers = {}) const;
  HttpResponse Get(const std::string& target) const { return Request("GET", target); }
  // A header sent with every request unless the call gives its own (e.g. Authorization).
  void SetDefaultHeader(const std::string& name, const std::string& value) { default_headers_[name] = value; }
  HttpResponse Post(const std::string& target, const nlohmann::json& body) const;
  // Sends raw bytes and returns whatever comes back until the server closes.
  std::string Raw(const std::string& bytes) const;
  // How long connecting, and each wait for the answer, may take (120 s).
  void SetTimeout(int seconds) { timeout_seconds_ = seconds; }
  // Called with every answer Request receives (this client's and its copies'):
  // the end-to-end suite keeps tgmux's answers to check them against the
  // OpenAPI document (tests/support/openapi_samples.h).
  using Observer = std::function<void(const std::string& method, const std::string& target, const HttpResponse&)>;
  void SetObserver(Observer observer) { observer_ = std::move(observer); }

 private:
  std::string host_;
  int port_;
  int timeout_seconds_ = 120;
  std::map<std::string, std::string> default_headers_;
  Observer observer_;
};

}  // namespace tgmux
