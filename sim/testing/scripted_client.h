#pragma once
// Test harness: drives a libtdjson-compatible library (libtdjson_sim.so, or the real
// libtdjson.so) through its C functions, the way a TDLib application does, and checks
// every object received and every request sent against the pinned TDLib schema when
// the conformance validator is built in.
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace tgsim::testing {

using nlohmann::json;

class TdJsonLibrary {
 public:
  explicit TdJsonLibrary(const std::string& path);  // dlopen; throws on failure
  int CreateClientId() const { return create_(); }
  void Send(int client_id, const std::string& request, bool check = true);
  const char* Receive(double timeout) const { return receive_(timeout); }
  std::string Execute(const std::string& request) const;

  // One received object for `client_id`, waiting up to `timeout` seconds; objects of
  // other clients are kept for them. nullopt on timeout.
  std::optional<json> Next(int client_id, double timeout);
  // Problems found by the conformance validator (empty when it is not built in).
  const std::vector<std::string>& violations() const { return violations_; }
  void Check(const std::string& text, bool is_request);
  // Also checks that `response` is an error or of the result type of `function`.
  void CheckResponse(const std::string& function, const json& response);

 private:
  void* handle_ = nullptr;
  int (*create_)() = nullptr;
  void (*send_)(int, const char*) = nullptr;
  const char* (*receive_)(double) = nullptr;
  const char* (*execute_)(const char*) = nullptr;
  std::map<int, std::deque<json>> backlog_;
  std::vector<std::string> violations_;
};

// One client id with its own view of what arrived.
class ScriptedClient {
 public:
  explicit ScriptedClient(TdJsonLibrary& library);
  int id() const { return id_; }

  void Send(const json& request);
  // Sends text as is, without the conformance check: for deliberately bad requests.
  void SendRaw(const std::string& request);
  // Sends with a fresh @extra and returns the matching response (nullopt on timeout).
  // Everything else that arrives meanwhile stays available to WaitFor.
  std::optional<json> Request(json request, double timeout = 5);
  json RequestOk(json request, double timeout = 5);  // throws unless a non-error comes back
  // The first not yet consumed object matching `match`, receiving up to `timeout`.
  std::optional<json> WaitFor(const std::function<bool(const json&)>& match, double timeout = 5);
  std::optional<json> WaitForType(const std::string& type, double timeout = 5);
  std::optional<json> WaitForAuthState(const std::string& state_type, double timeout = 5);
  // Everything received so far, in order, consumed or not.
  const std::vector<json>& log() const { return log_; }
  std::vector<json> Collect(double seconds);  // receives for `seconds`, returns the new ones

 private:
  bool Pull(double timeout);

  TdJsonLibrary& library_;
  int id_;
  std::deque<json> unconsumed_;
  std::vector<json> log_;
  int next_extra_ = 1;
};

}  // namespace tgsim::testing
