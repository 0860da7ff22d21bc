// A consumer's live view of the event log: the events after its cursor, as
// Server-Sent Events text or as WebSocket messages, waiting for new ones and
// sending a keep-alive when none come.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>

#include "api/http.h"
#include "service/events/events.h"

namespace tgmux::api {

// The streams open now, by format: /metrics' tgmux_event_consumers.
struct StreamConsumers {
  std::atomic<int> sse{0};
  std::atomic<int> websocket{0};
};

class EventStream : public Stream, public std::enable_shared_from_this<EventStream> {
 public:
  enum class Format {
    kSse,        // "id: SEQ\nevent: TYPE\ndata: JSON\n\n", ": keep-alive\n\n"
    kWebSocket,  // one event JSON per message, {"type":"keep-alive"} when idle
  };

  // Counted in `consumers` from now until Closed (or its end, if never closed).
  EventStream(service::EventService& events, store::EventQuery query, Format format,
              std::chrono::milliseconds keep_alive, std::shared_ptr<StreamConsumers> consumers);
  ~EventStream() override;

  void Next(Piece piece) override;
  // WebSocket: {"after": SEQ} moves the cursor (to resume after a gap).
  void Received(const std::string& message) override;
  void Closed() override;

 private:
  void Deliver(std::uint64_t generation, service::EventService::Events events);
  std::string Format(const nlohmann::json& event) const;
  std::atomic<int>& Count() const;

  service::EventService& events_;
  const enum Format format_;
  const std::chrono::milliseconds keep_alive_;
  const std::shared_ptr<StreamConsumers> consumers_;

  std::mutex mutex_;
  store::EventQuery query_;
  std::deque<nlohmann::json> ready_;  // read, not yet sent (WebSocket sends one per piece)
  Piece pending_;                     // a Next waiting for events
  std::uint64_t waiter_ = 0;          // its EventService::Wait token
  std::uint64_t generation_ = 0;      // a cursor move makes older waits stale
  std::uint64_t calls_ = 0;           // Next calls that waited
  bool closed_ = false;
};

}  // namespace tgmux::api
