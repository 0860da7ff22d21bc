// What the event benchmarks share: tgsim with simulated people, a tgmux
// signed in as its owner with linked accounts, and the helpers that time
// events (percentiles, tgmux's CPU time). Header-only: each bench/*.cpp is
// its own program.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "sim/testing/control_connection.h"
#include "sim/testing/tgsim_process.h"
#include "tests/support/build_paths.h"
#include "tests/support/stream_clients.h"
#include "tests/support/tgmux_server.h"

namespace bench_events {

using Clock = std::chrono::steady_clock;

struct World {
  std::unique_ptr<tgsim::testing::TgsimProcess> sim;
  std::unique_ptr<tgmux::testing::TgmuxServer> server;
  std::string token;
  std::vector<std::string> accounts;  // account ids, by Phone(i) of the linked people

  tgmux::testing::HeaderMap Auth() const { return {{"Authorization", "Bearer " + token}}; }
};

// "+1555320XXXX": people 0..n-1 are linked to tgmux; others only send.
inline std::string Phone(int i) {
  std::string digits = std::to_string(i);
  return "+1555320" + std::string(4 - digits.size(), '0') + digits;
}

// A phone login, as a user of the API would do it; returns the account id ("" on failure).
inline std::string Link(const World& w, const std::string& phone) {
  auto started = w.server->http().Post("/v1/logins", {{"method", "phone"}, {"phone", phone}});
  if (started.status != 201) return "";
  std::string id = started.Json()["id"];
  std::string code = w.sim->Control("GET", "/users/" + phone + "/code").body.value("code", "");
  auto done = w.server->http().Post("/v1/logins/" + id + "/code", {{"code", code}});
  if (done.status != 200 || done.Json()["state"] != "done") return "";
  return done.Json()["account"]["id"];
}

// tgsim with `people` users, the first `linked` of them linked to a started
// tgmux (with `env` added to its environment).
inline bool StartWorld(World& w, int people, int linked, const std::map<std::string, std::string>& env = {}) {
  w.sim = std::make_unique<tgsim::testing::TgsimProcess>(TGSIM_BINARY);
  for (int i = 0; i < people; ++i) {
    w.sim->Control("POST", "/users", {{"phone", Phone(i)}, {"first_name", "P" + std::to_string(i)}});
  }
  std::map<std::string, std::string> all = env;
  all.insert({{"TGMUX_TDJSON", TDJSON_SIM_LIBRARY}, {"TDSIM_ADDR", w.sim->address()},
              {"TELEGRAM_API_ID", "94575"}, {"TELEGRAM_API_HASH", "a3406de8d171bb422bb6ddf3bbd800e2"}});
  w.server = std::make_unique<tgmux::testing::TgmuxServer>(all);
  if (!w.server->Start()) return false;
  auto tokens = w.server->SignInOwner();
  if (tokens.is_null()) return false;
  w.token = tokens["access_token"];
  for (int i = 0; i < linked; ++i) {
    w.accounts.push_back(Link(w, Phone(i)));
    if (w.accounts.back().empty()) return false;
  }
  return true;
}

// A person's message, posted to tgsim's control API on this thread's kept-alive
// connection: a benchmark's senders pay no connect and close per message.
inline bool SendMessage(const World& w, const std::string& from, const std::string& to, const std::string& text) {
  thread_local std::unique_ptr<tgsim::testing::ControlConnection> control;
  thread_local int port = 0;
  if (!control || port != w.sim->port()) {
    port = w.sim->port();
    control = std::make_unique<tgsim::testing::ControlConnection>(port);
  }
  return control->Call("POST", "/messages", {{"from", from}, {"to", to}, {"text", text}}).status == 201;
}

// The number after `marker` in a message.received event's text, or -1 for other events.
inline int MessageNumber(const nlohmann::json& event, const std::string& marker) {
  if (event.value("type", "") != "message.received") return -1;
  std::string text = event["data"]["message"].value("text", "");
  if (text.rfind(marker, 0) != 0) return -1;
  return std::stoi(text.substr(marker.size()));
}

// Reads events with next(timeout) (null json: none came) until every message
// `marker`0.. arrived or `timeout` passed; returns how many arrived.
template <class Next>
int ReceiveAll(Next next, const std::string& marker, std::vector<Clock::time_point>& arrived,
               std::chrono::seconds timeout) {
  auto deadline = Clock::now() + timeout;
  int count = 0;
  while (count < static_cast<int>(arrived.size()) && Clock::now() < deadline) {
    auto event = next(std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()));
    if (event.is_null()) break;
    int i = MessageNumber(event, marker);
    if (i < 0 || i >= static_cast<int>(arrived.size()) || arrived[i] != Clock::time_point()) continue;
    arrived[i] = Clock::now();
    ++count;
  }
  return count;
}

// `sorted` ascending.
inline double Percentile(const std::vector<double>& sorted, double p) {
  if (sorted.empty()) return 0;
  return sorted[std::min(sorted.size() - 1, static_cast<std::size_t>(p * sorted.size()))];
}

// User plus system CPU time of a process, in seconds (from /proc).
inline double CpuSeconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(stat.substr(close + 2));
  std::string field;
  long utime = 0, stime = 0;
  for (int i = 3; fields >> field; ++i) {  // field 3 is the state
    if (i == 14) utime = std::stol(field);
    if (i == 15) {
      stime = std::stol(field);
      break;
    }
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

inline const char* Met(bool met) { return met ? "met" : "NOT met"; }

}  // namespace bench_events
