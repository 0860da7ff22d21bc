// A libtdjson for the api_routes fuzz target: a Telegram that is never
// reached. It exports the four functions tgmux loads (telegram/tdjson.h) and
// answers every request at once, so that no handler waits for a deadline:
//   - close: ok, then authorizationStateClosing and authorizationStateClosed
//     (what TDLib does), so that clients close on unlink and at exit;
//   - anything else: error 500 "Request aborted" (what TDLib answers a client
//     that cannot serve it; tgmux maps it to account_not_ready).
// td_execute knows setLogVerbosityLevel and getOption "version". Nothing here
// opens a file or a socket.
#include <nlohmann/json.hpp>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <set>
#include <string>

#define TDJSON_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

using nlohmann::json;

struct Hub {
  std::mutex mutex;
  std::condition_variable ready;
  std::deque<std::string> queue;
  std::set<int> closed;
  int last_id = 0;
};

Hub& TheHub() {
  static Hub* hub = new Hub();  // never destroyed: the receive thread may outlive static destructors
  return *hub;
}

json Answer(const json& request) {
  if (request.value("@type", "") == "close") return {{"@type", "ok"}};
  return {{"@type", "error"}, {"code", 500}, {"message", "Request aborted"}};
}

json AuthState(int client_id, const char* state) {
  return {{"@type", "updateAuthorizationState"},
          {"authorization_state", {{"@type", state}}},
          {"@client_id", client_id}};
}

}  // namespace

TDJSON_EXPORT int td_create_client_id() {
  std::lock_guard lock(TheHub().mutex);
  return ++TheHub().last_id;
}

TDJSON_EXPORT void td_send(int client_id, const char* text) {
  auto request = json::parse(text != nullptr ? text : "", nullptr, false);
  if (!request.is_object()) return;
  auto answer = Answer(request);
  answer["@client_id"] = client_id;
  if (request.contains("@extra")) answer["@extra"] = request["@extra"];
  auto& hub = TheHub();
  {
    std::lock_guard lock(hub.mutex);
    hub.queue.push_back(answer.dump());
    if (request.value("@type", "") == "close" && hub.closed.insert(client_id).second) {
      hub.queue.push_back(AuthState(client_id, "authorizationStateClosing").dump());
      hub.queue.push_back(AuthState(client_id, "authorizationStateClosed").dump());
    }
  }
  hub.ready.notify_one();
}

TDJSON_EXPORT const char* td_receive(double timeout) {
  static std::string current;  // one thread ever receives (telegram/tdjson.h)
  auto& hub = TheHub();
  std::unique_lock lock(hub.mutex);
  if (!hub.ready.wait_for(lock, std::chrono::duration<double>(timeout), [&hub] { return !hub.queue.empty(); })) {
    return nullptr;
  }
  current = std::move(hub.queue.front());
  hub.queue.pop_front();
  return current.c_str();
}

TDJSON_EXPORT const char* td_execute(const char* text) {
  thread_local std::string current;
  auto request = json::parse(text != nullptr ? text : "", nullptr, false);
  json answer = {{"@type", "error"}, {"code", 400}, {"message", "Function can't be executed synchronously"}};
  if (request.is_object() && request.value("@type", "") == "setLogVerbosityLevel") answer = {{"@type", "ok"}};
  if (request.is_object() && request.value("@type", "") == "getOption" && request.value("name", "") == "version") {
    answer = {{"@type", "optionValueString"}, {"value", "fuzz-stub"}};
  }
  current = answer.dump();
  return current.c_str();
}
