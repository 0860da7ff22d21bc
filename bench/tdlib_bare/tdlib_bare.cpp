// Bare TDLib for bench/gateway_footprint: the same libtdjson, loaded the way
// tgmux loads it (LoadTdJson), with CLIENTS clients started by the very
// requests tgmux starts its login clients with (telegram/client_setup.h), each
// then asked for a phone number as a phone login does. Nothing of tgmux runs
// beside TDLib, so its RSS growth is what TDLib alone costs.
//   tdlib_bare LIBTDJSON DIRECTORY CLIENTS   (TELEGRAM_API_ID, TELEGRAM_API_HASH from the environment)
// Prints "loaded" once the library is loaded and waits for SIGUSR1 (the caller
// measures RSS meanwhile); then starts the clients, prints "ready N" once every
// one is at authorizationStateWaitPhoneNumber with its phone number sent, and
// waits for SIGTERM, on which it closes every client (TDLib wants that before exit).
#include <signal.h>

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "telegram/client_setup.h"
#include "telegram/tdjson.h"

namespace {

using nlohmann::json;
using tgmux::telegram::TdJson;

std::atomic<bool> go{false};
std::atomic<bool> stop{false};

std::string RandomKey() {
  std::random_device random;
  std::string key(32, '\0');
  for (char& c : key) c = static_cast<char>(random());
  return key;
}

// The client's new authorization state, or "" for anything else.
std::string AuthStateOf(const char* text, int& client_id) {
  if (std::string_view(text).find("updateAuthorizationState") == std::string_view::npos) return "";
  auto update = json::parse(text, nullptr, false);
  if (update.is_discarded() || update.value("@type", "") != "updateAuthorizationState") return "";
  client_id = update.value("@client_id", 0);
  return update["authorization_state"].value("@type", "");
}

// Receives until `until` has been seen `count` times (or SIGTERM when `stoppable`).
bool ReceiveStates(TdJson& td, const std::string& until, int count, bool stoppable) {
  int seen = 0;
  while (seen < count) {
    if (stoppable && stop) return false;
    const char* text = td.Receive(0.2);
    if (text == nullptr) continue;
    int client_id = 0;
    if (AuthStateOf(text, client_id) != until) continue;
    ++seen;
    if (until == "authorizationStateWaitPhoneNumber") {
      // As a phone login's first step; offline, TDLib keeps it waiting for the network.
      json request = {{"@type", "setAuthenticationPhoneNumber"},
                      {"phone_number", "+1555200" + std::to_string(1000 + client_id)}};
      td.Send(client_id, request.dump());
    }
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: tdlib_bare LIBTDJSON DIRECTORY CLIENTS\n";
    return 2;
  }
  const std::filesystem::path directory = argv[2];
  const int clients = std::atoi(argv[3]);
  const char* api_id = std::getenv("TELEGRAM_API_ID");
  const char* api_hash = std::getenv("TELEGRAM_API_HASH");
  if (clients <= 0 || api_id == nullptr || api_hash == nullptr) {
    std::cerr << "tdlib_bare: CLIENTS must be positive and TELEGRAM_API_ID/TELEGRAM_API_HASH set\n";
    return 2;
  }
  signal(SIGTERM, [](int) { stop = true; });
  signal(SIGUSR1, [](int) { go = true; });
  auto td = tgmux::telegram::LoadTdJson(argv[1]);
  std::cout << "loaded" << std::endl;
  while (!go && !stop) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  if (stop) return 0;

  tgmux::telegram::TdParameters params;  // tgmux's defaults, as in an unconfigured tgmux
  params.api_id = std::atoi(api_id);
  params.api_hash = api_hash;
  params.system_version = "Linux";
  params.application_version = TGMUX_VERSION;
  std::vector<int> ids;
  for (int i = 0; i < clients; ++i) {
    int id = td->CreateClientId();
    ids.push_back(id);
    for (const auto& request : tgmux::telegram::MemoryOptionRequests()) td->Send(id, request.dump());
    auto td_directory = directory / ("client" + std::to_string(i)) / "td";
    td->Send(id, tgmux::telegram::TdlibParametersRequest(td_directory.string(), RandomKey(), params).dump());
  }
  if (ReceiveStates(*td, "authorizationStateWaitPhoneNumber", clients, true)) {
    std::cout << "ready " << clients << std::endl;
    // Keep receiving (TDLib's queue must not grow) until told to stop.
    while (!stop) td->Receive(0.2);
  }
  for (int id : ids) td->Send(id, R"({"@type":"close"})");
  ReceiveStates(*td, "authorizationStateClosed", clients, false);
  return 0;
}
