// Simulator throughput: messages per second between two clients through one tgsim, and
// the round trip of one request (getMe), both through libtdjson_sim.so.
//   ./build/sim_throughput   (figures in docs/simulator.md)
#include <benchmark/benchmark.h>
#include <stdlib.h>

#include <cstring>
#include <filesystem>
#include <memory>
#include <string>

#include "sim/testing/scripted_client.h"
#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"

namespace {

using tgsim::testing::ScriptedClient;
using tgsim::testing::TdJsonLibrary;
using tgsim::testing::TgsimProcess;
using tgsim::testing::json;

struct World {
  std::unique_ptr<TgsimProcess> sim;
  TdJsonLibrary* lib = nullptr;
  std::unique_ptr<ScriptedClient> alice, bob;
  std::int64_t bob_id = 0;
};

std::unique_ptr<ScriptedClient> Login(TgsimProcess& sim, TdJsonLibrary& lib, const std::string& phone,
                                      const std::string& name) {
  sim.Control("POST", "/users", {{"phone", phone}, {"first_name", name}, {"username", name}});
  auto client = std::make_unique<ScriptedClient>(lib);
  auto dir = std::filesystem::temp_directory_path() / ("tgsim-bench-" + name + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  client->RequestOk({{"@type", "setTdlibParameters"}, {"database_directory", dir.string()},
                     {"api_id", 1}, {"api_hash", "x"}, {"system_language_code", "en"},
                     {"device_model", "bench"}, {"application_version", "1"}});
  client->RequestOk({{"@type", "setAuthenticationPhoneNumber"}, {"phone_number", phone}});
  std::string code = sim.Control("GET", "/users/" + phone + "/code").body["code"];
  client->RequestOk({{"@type", "checkAuthenticationCode"}, {"code", code}});
  return client;
}

World* g_world = nullptr;

World& SharedWorld() {
  static World* world = g_world = [] {
    auto* w = new World();
    w->sim = std::make_unique<TgsimProcess>(TGSIM_BINARY);
    ::setenv("TDSIM_ADDR", w->sim->address().c_str(), 1);
    w->lib = new TdJsonLibrary(TDJSON_SIM_LIBRARY);
    w->lib->Execute(R"({"@type":"setLogVerbosityLevel","new_verbosity_level":0})");
    w->alice = Login(*w->sim, *w->lib, "+15559990001", "alice");
    w->bob = Login(*w->sim, *w->lib, "+15559990002", "bob");
    w->bob_id = w->alice->RequestOk({{"@type", "searchPublicChat"}, {"username", "bob"}})["id"];
    return w;
  }();
  return *world;
}

// Receives until `count` lines for `client_id` contain `needle`.
void AwaitLines(TdJsonLibrary& lib, int client_id, const char* needle, int count) {
  std::string tag = "\"@client_id\":" + std::to_string(client_id) + "}";
  while (count > 0) {
    const char* line = lib.Receive(5.0);
    if (line == nullptr) return;
    std::size_t len = std::strlen(line);
    if (std::strstr(line, needle) != nullptr && len >= tag.size() &&
        std::memcmp(line + len - tag.size(), tag.data(), tag.size()) == 0) {
      --count;
    }
  }
}

void BM_MessagesBetweenTwoClients(benchmark::State& state) {
  World& w = SharedWorld();
  const int batch = static_cast<int>(state.range(0));
  std::string request = json{{"@type", "sendMessage"}, {"chat_id", w.bob_id},
                             {"input_message_content", {{"@type", "inputMessageText"},
                                                        {"text", {{"@type", "formattedText"}, {"text", "ping"}}}}}}
                            .dump();
  for (auto _ : state) {
    for (int i = 0; i < batch; ++i) w.lib->Send(w.alice->id(), request, false);
    AwaitLines(*w.lib, w.bob->id(), "\"updateNewMessage\"", batch);
  }
  state.SetItemsProcessed(state.iterations() * batch);
  state.counters["messages/s"] = benchmark::Counter(static_cast<double>(state.iterations() * batch),
                                                    benchmark::Counter::kIsRate);
}
BENCHMARK(BM_MessagesBetweenTwoClients)->Arg(1)->Arg(100)->UseRealTime()->Unit(benchmark::kMicrosecond);

void BM_GetMeRoundTrip(benchmark::State& state) {
  World& w = SharedWorld();
  const std::string request = R"({"@type":"getMe","@extra":"me"})";
  for (auto _ : state) {
    w.lib->Send(w.alice->id(), request, false);
    AwaitLines(*w.lib, w.alice->id(), "\"@extra\":\"me\"", 1);
  }
}
BENCHMARK(BM_GetMeRoundTrip)->UseRealTime()->Unit(benchmark::kMicrosecond);

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  if (g_world != nullptr) {
    // TDLib wants every client closed before exit; then stop our tgsim.
    for (auto* client : {g_world->alice.get(), g_world->bob.get()}) {
      client->Send({{"@type", "close"}});
      client->WaitForAuthState("authorizationStateClosed", 2);
    }
    g_world->sim.reset();
  }
  return 0;
}
