#include "api/event_stream.h"

namespace tgmux::api {

EventStream::EventStream(service::EventService& events, store::EventQuery query, enum Format format,
                         std::chrono::milliseconds keep_alive, std::shared_ptr<StreamConsumers> consumers)
    : events_(events), format_(format), keep_alive_(keep_alive), consumers_(std::move(consumers)),
      query_(std::move(query)) {
  ++Count();
}

EventStream::~EventStream() {
  if (!closed_) --Count();
}

std::atomic<int>& EventStream::Count() const {
  return format_ == Format::kSse ? consumers_->sse : consumers_->websocket;
}

std::string EventStream::Format(const nlohmann::json& event) const {
  if (format_ == Format::kWebSocket) return event.dump();
  return "id: " + std::to_string(event["seq"].get<std::int64_t>()) + "\nevent: " + event["type"].get<std::string>() +
         "\ndata: " + event.dump() + "\n\n";
}

void EventStream::Next(Piece piece) {
  store::EventQuery query;
  std::uint64_t generation = 0;
  std::uint64_t call = 0;
  {
    std::lock_guard lock(mutex_);
    // The server is stopping: end the stream (clients resume with Last-Event-ID).
    if (closed_ || events_.draining()) return piece(std::nullopt);
    if (!ready_.empty()) {
      // WebSocket: one buffered event per message.
      auto event = std::move(ready_.front());
      ready_.pop_front();
      return piece(Format(event));
    }
    pending_ = std::move(piece);
    query = query_;
    generation = generation_;
    call = ++calls_;
  }
  auto self = shared_from_this();
  std::uint64_t token = events_.Wait(query, keep_alive_, [self, generation](service::EventService::Events events) {
    self->Deliver(generation, std::move(events));
  });
  std::lock_guard lock(mutex_);
  // Unless this wait already ended (and perhaps the next one began).
  if (pending_ && call == calls_) waiter_ = token;
}

void EventStream::Deliver(std::uint64_t generation, service::EventService::Events events) {
  Piece piece;
  std::string text;
  bool stale = false;
  {
    std::lock_guard lock(mutex_);
    if (!pending_) return;
    piece = std::move(pending_);
    waiter_ = 0;
    stale = generation != generation_ && !closed_;
    if (stale || closed_) {
      // Stale: the cursor moved meanwhile; wait again from the new one.
    } else if (events.empty()) {
      text = format_ == Format::kSse ? ": keep-alive\n\n" : R"({"type":"keep-alive"})";
    } else {
      query_.after = events.back()["seq"].get<std::int64_t>();
      if (format_ == Format::kSse) {
        for (const auto& event : events) text += Format(event);
      } else {
        text = Format(events.front());
        for (std::size_t i = 1; i < events.size(); ++i) ready_.push_back(std::move(events[i]));
      }
    }
  }
  if (stale) return Next(std::move(piece));
  if (text.empty()) return piece(std::nullopt);
  piece(std::move(text));
}

void EventStream::Received(const std::string& message) {
  auto parsed = nlohmann::json::parse(message, nullptr, false);
  if (!parsed.is_object() || !parsed.contains("after") || !parsed["after"].is_number_integer()) return;
  std::uint64_t waiter = 0;
  {
    std::lock_guard lock(mutex_);
    query_.after = std::max<std::int64_t>(0, parsed["after"].get<std::int64_t>());
    ready_.clear();
    ++generation_;
    waiter = waiter_;
    waiter_ = 0;
  }
  if (waiter != 0) events_.Cancel(waiter);
}

void EventStream::Closed() {
  std::uint64_t waiter = 0;
  {
    std::lock_guard lock(mutex_);
    if (closed_) return;
    closed_ = true;
    --Count();
    waiter = waiter_;
    waiter_ = 0;
  }
  if (waiter != 0) events_.Cancel(waiter);
}

}  // namespace tgmux::api
