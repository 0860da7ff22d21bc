// The process's one hub over TDLib: owns the only thread that calls
// td_receive, routes every object to its client by @client_id, matches answers
// to requests by @extra, and bounds every request with a deadline.
#pragma once

#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>

#include "telegram/pending_requests.h"
#include "telegram/result.h"
#include "telegram/td_json_reader.h"
#include "telegram/tdjson.h"
#include "telegram/types.h"

namespace tgmux::telegram {

// Gets every update (an object without @extra) of one client, in TDLib's order.
using UpdateHandler = std::function<void(const nlohmann::json& update)>;

// Figures for /metrics.
struct HubStats {
  std::map<std::string, int> clients_by_state;  // KindName -> live clients ("new": not started)
  std::uint64_t requests_timed_out = 0;          // answered telegram_unreachable by the deadline
  std::uint64_t late_answers_dropped = 0;        // answers that came after their deadline
  std::size_t requests_in_flight = 0;
};

// Threads and handlers:
// - All public methods are thread-safe.
// - Update handlers and most ResultHandlers run on the hub's receive thread;
//   ResultHandlers for deadlines and for requests refused before reaching TDLib
//   run on the hub's timer thread. Never inside Send. Handlers must not block
//   (every account shares these threads), must not call CloseAll or destroy the
//   hub, and may call Send.
// - Per client, updates and answers arrive in TDLib's order (an auth-state
//   update precedes the `ok` of the request that caused it).
// Lifetime: create one hub per process (TDLib aborts on two td_receive
// callers); it must outlive every user of its clients. Its destructor runs
// CloseAll (TDLib must have every client closed before the process exits),
// then stops its threads and fails requests still pending.
class ClientHub {
 public:
  // `default_deadline`: how long a request may wait for its answer
  // (TGMUX_TELEGRAM_DEADLINE).
  ClientHub(std::unique_ptr<TdJson> td, std::chrono::milliseconds default_deadline);
  ~ClientHub();
  ClientHub(const ClientHub&) = delete;
  ClientHub& operator=(const ClientHub&) = delete;

  // A new TDLib client. It costs nothing until its first request; updates
  // (including exactly one final Closed) go to `on_update`.
  int CreateClient(UpdateHandler on_update);

  // The owner of a client is gone: closes it when TDLib knows it (the updates
  // that follow are dropped), forgets it otherwise. When it returns, the
  // client's update handler is not running and will not run again (unless it
  // is called from that very handler, which may then finish).
  void ReleaseClient(int client_id);

  // Sends a TDLib request. `done` is called exactly once: with the answer, with
  // a TDLib error mapped by MapTdError, with telegram_unreachable when no
  // answer comes within the deadline (a later answer is dropped and counted),
  // with invalid_request when a string is not valid UTF-8 (nothing is sent), or
  // with account_not_ready when the client is closed or unknown. Any @extra in
  // `request` is replaced.
  void Send(int client_id, nlohmann::json request, ResultHandler done,
            std::optional<std::chrono::milliseconds> deadline = std::nullopt);

  // Several nodes (docs/cluster.md): from `until` on (steady clock) this
  // node's account leases may belong to another node, so every request but
  // close is answered account_not_ready without reaching TDLib, until the
  // fence is moved on. No fence by default.
  void SetFence(std::chrono::steady_clock::time_point until) {
    fence_ns_.store(until.time_since_epoch().count(), std::memory_order_relaxed);
  }

  // Answers `done` with `error` on the hub's timer thread, as if a request had
  // failed (for requests refused before they reach TDLib).
  void Fail(ResultHandler done, Error error);

  // Waits for something TDLib reports later as an update rather than as an
  // answer (a sent message's final state): `done` gets what Complete passes,
  // telegram_unreachable after the deadline, or account_not_ready when the
  // client closes (or is already closed; the token is then 0). Returns the
  // token for Complete. Tokens share the @extra space but are never sent.
  std::uint64_t Expect(int client_id, ResultHandler done,
                       std::optional<std::chrono::milliseconds> deadline = std::nullopt);
  // Runs the handler of an expectation on the calling thread; false when it
  // already ended (deadline, close) or is unknown.
  bool Complete(std::uint64_t token, Result<nlohmann::json> result);

  // Runs a synchronous TDLib method (td_execute) on the calling thread and
  // returns TDLib's answer as is, an `error` object included (the caller knows
  // what a synchronous method's errors mean). Errors: invalid_request for
  // invalid UTF-8 (nothing reaches TDLib), internal for an answer that is not JSON.
  Result<nlohmann::json> Execute(nlohmann::json request);

  // TDLib's version ("1.8.65"), by a synchronous getOption.
  std::string TdlibVersion();

  HubStats Stats() const;

  // Sends close to every client not yet closed (never-used ones included) and
  // waits until each reaches Closed or `timeout` passes. True when all are
  // closed. New clients may still be made afterwards.
  bool CloseAll(std::chrono::milliseconds timeout);

  std::chrono::milliseconds default_deadline() const { return default_deadline_; }

 private:
  using Clock = PendingRequests::Clock;
  struct Client {
    std::shared_ptr<const UpdateHandler> handler;  // null once released
    AuthState::Kind state = AuthState::Kind::kNone;
    bool started = false;  // TDLib has seen a request, so it will emit Closed
  };

  void ReceiveLoop();
  void Dispatch(const char* text);
  void DeliverAnswer(std::uint64_t extra, nlohmann::json answer);
  void DeliverUpdate(nlohmann::json update);
  void OnClosed(int client_id);
  void TimerLoop();
  void PostLocked(ResultHandler done, Error error);
  void SendClose(int client_id, std::chrono::milliseconds deadline);

  const std::unique_ptr<TdJson> td_;
  const std::chrono::milliseconds default_deadline_;
  TdJsonReader reader_;  // the receive thread's

  mutable std::mutex mutex_;
  std::condition_variable timer_wakeup_;
  std::condition_variable client_closed_;
  std::condition_variable dispatch_done_;
  int dispatching_ = 0;  // client whose update handler runs now, 0 for none
  std::unordered_map<int, Client> clients_;
  PendingRequests pending_;
  std::deque<std::pair<ResultHandler, Error>> refused_;  // answered on the timer thread
  std::uint64_t timed_out_ = 0;
  std::uint64_t late_dropped_ = 0;
  bool stop_timer_ = false;

  std::atomic<std::chrono::steady_clock::rep> fence_ns_{std::numeric_limits<std::chrono::steady_clock::rep>::max()};
  std::atomic<bool> stop_receive_{false};
  std::thread receive_thread_;
  std::thread timer_thread_;
};

}  // namespace tgmux::telegram
