// The 14 C functions libtdjson exports (tdlib-facts §1.1), backed by tgsim.
#include <cstdint>

#include "sim/lib/client_hub.h"

#define TDJSON_EXPORT extern "C" __attribute__((visibility("default")))

using tgsim::lib::ClientHub;

TDJSON_EXPORT int td_create_client_id() { return ClientHub::Get().CreateClientId(); }
TDJSON_EXPORT void td_send(int client_id, const char* request) { ClientHub::Get().Send(client_id, request); }
TDJSON_EXPORT const char* td_receive(double timeout) { return ClientHub::Get().Receive(timeout); }
TDJSON_EXPORT const char* td_execute(const char* request) { return ClientHub::Get().Execute(request); }

using td_log_message_callback_ptr = void (*)(int, const char*);
TDJSON_EXPORT void td_set_log_message_callback(int, td_log_message_callback_ptr) {}

// The deprecated interface: one handle per client, each with its own queue.
TDJSON_EXPORT void* td_json_client_create() {
  return reinterpret_cast<void*>(static_cast<std::intptr_t>(ClientHub::Get().CreateClientId(true)));
}
TDJSON_EXPORT void td_json_client_send(void* client, const char* request) {
  ClientHub::Get().Send(static_cast<int>(reinterpret_cast<std::intptr_t>(client)), request);
}
TDJSON_EXPORT const char* td_json_client_receive(void* client, double timeout) {
  return ClientHub::Get().ReceiveLegacy(static_cast<int>(reinterpret_cast<std::intptr_t>(client)), timeout);
}
TDJSON_EXPORT const char* td_json_client_execute(void*, const char* request) {
  return ClientHub::Get().Execute(request);
}
TDJSON_EXPORT void td_json_client_destroy(void* client) {
  int id = static_cast<int>(reinterpret_cast<std::intptr_t>(client));
  ClientHub::Get().Send(id, R"({"@type":"close"})");
  // TDLib's destroy blocks until the client is closed; wait for Closed (bounded).
  for (int i = 0; i < 100; ++i) {
    const char* line = ClientHub::Get().ReceiveLegacy(id, 0.1);
    if (line != nullptr && std::string_view(line).find("authorizationStateClosed") != std::string_view::npos) return;
  }
}

TDJSON_EXPORT int td_set_log_file_path(const char*) { return 1; }
TDJSON_EXPORT void td_set_log_max_file_size(long long) {}
TDJSON_EXPORT void td_set_log_verbosity_level(int) {}
using td_log_fatal_error_callback_ptr = void (*)(const char*);
TDJSON_EXPORT void td_set_log_fatal_error_callback(td_log_fatal_error_callback_ptr) {}
