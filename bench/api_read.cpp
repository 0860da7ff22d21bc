// The API's read path against nginx, side by side in one run (issue #19, P1):
// wrk (1 thread, 32 connections) on GET /v1/accounts/{id} with a JWT and with
// an API key, and on /healthz, each beside nginx (one worker, no access log)
// serving the very same body as a static file. tgmux keeps its access log
// (the default, info) on. Prints each rate, the ratio to nginx, the target
// and whether it is met.
//   ./build/api_read [--benchmark_counters_tabular=true]
//   TGMUX_BENCH_SECONDS=5 ./build/api_read   (seconds per row; default 3)
#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>

#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/http_load.h"
#include "tests/support/phone_link.h"
#include "tests/support/tgmux_server.h"

namespace {

using tgmux::testing::NginxServer;
using tgmux::testing::RunWrk;
using tgmux::testing::TgmuxServer;
using tgmux::testing::WrkOptions;

constexpr const char* kPhone = "+15554100001";

struct Row {
  const char* name;
  std::string path;                  // on tgmux
  std::string file;                  // on nginx: the same body
  std::map<std::string, std::string> headers;
  double target;                     // at least this much of nginx's rate
};

int Seconds() {
  const char* value = std::getenv("TGMUX_BENCH_SECONDS");
  return value && std::atoi(value) > 0 ? std::atoi(value) : 3;
}

// The rate of one row on both servers; 0 (and an error) when any answer was not 2xx.
bool Measure(benchmark::State& state, const Row& row, int tgmux_port, int nginx_port) {
  WrkOptions options;
  options.seconds = Seconds();
  auto nginx = RunWrk("http://127.0.0.1:" + std::to_string(nginx_port) + "/" + row.file, options);
  options.headers = row.headers;
  auto ours = RunWrk("http://127.0.0.1:" + std::to_string(tgmux_port) + row.path, options);
  if (nginx.requests_per_s <= 0 || ours.requests_per_s <= 0 || nginx.non_2xx || ours.non_2xx) {
    state.SkipWithError(("wrk failed on " + std::string(row.name) + ":\n" + nginx.output + ours.output).c_str());
    return false;
  }
  double ratio = ours.requests_per_s / nginx.requests_per_s;
  std::printf("%-22s tgmux %8.0f req/s   nginx %8.0f req/s   ratio %.2f   target >= %.2f   %s\n", row.name,
              ours.requests_per_s, nginx.requests_per_s, ratio, row.target, ratio >= row.target ? "met" : "NOT MET");
  std::fflush(stdout);
  state.counters[std::string(row.name) + "_rps"] = ours.requests_per_s;
  state.counters[std::string(row.name) + "_nginx_rps"] = nginx.requests_per_s;
  state.counters[std::string(row.name) + "_ratio"] = ratio;
  return true;
}

void ApiRead(benchmark::State& state) {
  for (auto _ : state) {
    tgsim::testing::TgsimProcess sim(TGSIM_BINARY);
    sim.Control("POST", "/users", {{"phone", kPhone}, {"first_name", "Reader"}});
    TgmuxServer server({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", sim.address()},
                        {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}});
    std::string account;
    nlohmann::json owner;
    if (!server.Start() || (owner = server.SignInOwner()).is_null() ||
        (account = tgmux::testing::LinkByPhone(server, sim, kPhone)).empty()) {
      state.SkipWithError("tgmux did not start or the account did not link");
      return;
    }
    std::string api_key = server.http().Post("/v1/api-keys", {{"name", "bench"}}).Json().value("key", "");
    auto account_body = server.http().Get("/v1/accounts/" + account);
    auto health_body = server.Anonymous().Get("/healthz");
    if (api_key.empty() || account_body.status != 200 || health_body.status != 200) {
      state.SkipWithError("tgmux did not answer the setup requests");
      return;
    }
    NginxServer nginx({{"account.json", account_body.body}, {"healthz.json", health_body.body}});
    if (!nginx.Start()) {
      state.SkipWithError(("nginx did not start: " + nginx.ErrorLog()).c_str());
      return;
    }
    const std::string jwt = "Bearer " + owner["access_token"].get<std::string>();
    const std::vector<Row> rows = {
        {"account_jwt", "/v1/accounts/" + account, "account.json", {{"Authorization", jwt}}, 0.6},
        {"account_api_key", "/v1/accounts/" + account, "account.json", {{"Authorization", "Bearer " + api_key}}, 0.6},
        {"healthz", "/healthz", "healthz.json", {}, 0.8},
    };
    std::printf("wrk -t1 -c32 -d%ds, tgmux (access log on) beside nginx (1 worker) serving the same body\n",
                Seconds());
    for (const auto& row : rows) {
      if (!Measure(state, row, server.port(), nginx.port())) return;
    }
  }
}
BENCHMARK(ApiRead)->Iterations(1)->Unit(benchmark::kSecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
