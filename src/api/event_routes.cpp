// The event log's consumers: /v1/events (long-poll), /v1/events/stream
// (Server-Sent Events) and /v1/ws (WebSocket).
#include <chrono>

#include "api/event_stream.h"
#include "api/pages.h"
#include "api/request_parsing.h"
#include "api/routes.h"
#include "api/views.h"

namespace tgmux::api {
namespace {

const Access kRead = Access::AtLeast(service::Role::kOperator);
constexpr int kMaxTimeout = 60;
constexpr int kDefaultTimeout = 30;
constexpr PageSize kPage{100, 500};
constexpr auto kKeepAlive = std::chrono::seconds(15);

std::set<std::string> SplitList(const std::string& text) {
  std::set<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    if (comma > start) out.insert(text.substr(start, comma - start));
    start = comma + 1;
  }
  return out;
}

// types=a,b and account_id=acc_… of the tenant's accounts.
store::EventQuery Filter(const Request& r, service::Services& s) {
  store::EventQuery query;
  query.tenant_id = TenantOf(r);
  if (auto it = r.query.find("account_id"); it != r.query.end()) {
    s.accounts.Get(query.tenant_id, it->second);  // not_found for other tenants' accounts
    query.account_ids.insert(it->second);
  }
  if (auto it = r.query.find("types"); it != r.query.end()) {
    query.types = SplitList(it->second);
    for (const auto& type : query.types) {
      if (!service::kEventTypes.count(type)) {
        throw Error(ErrorCode::kInvalidRequest, "types: unknown event type \"" + type + "\"");
      }
    }
  }
  return query;
}

// Where a long-poll reads from: `cursor`, or its synonym `after` (a seq), else
// the start of the log. A cursor is the seq of the last event handed out.
std::optional<std::int64_t> PollStart(const Request& r, const PageRequest& page) {
  auto after = r.query.find("after");
  bool has_after = after != r.query.end() && !after->second.empty();
  if (page.cursor && has_after && *page.cursor != after->second) {
    throw Error(ErrorCode::kInvalidRequest, "cursor and after are the same parameter: give one of them");
  }
  if (page.cursor) return CursorNumber(*page.cursor, 0);
  if (has_after) return CursorNumber(after->second, 0, "after");
  return std::nullopt;
}

// next_cursor is never null: after an empty page it is where the page started
// (the log's current end when no cursor was given), so it can always be passed back.
nlohmann::json Page(const service::EventService::Events& events, std::int64_t start) {
  std::int64_t next = events.empty() ? start : events.back()["seq"].get<std::int64_t>();
  return PageJson(events, std::to_string(next));
}

// Where a stream starts: `after`, else Last-Event-ID (SSE resume), else the newest event.
std::int64_t StreamStart(const Request& r, service::Services& s, const std::string& tenant_id) {
  if (r.query.count("after")) return QueryInt(r, "after", 0, 0, INT64_MAX);
  if (auto last = r.Header("last-event-id"); !last.empty()) {
    Request header;
    header.query["Last-Event-ID"] = last;
    return QueryInt(header, "Last-Event-ID", 0, 0, INT64_MAX);
  }
  return s.events.LastSeq(tenant_id);
}

void RegisterLongPoll(Router& router, service::Services& s) {
  router.Add("GET", "/v1/events", kRead, [&s](const Request& r, const Reply& reply) {
    auto query = Filter(r, s);
    auto page = ReadPage(r, kPage);
    auto start = PollStart(r, page);
    query.after = start.value_or(0);
    query.limit = page.limit;
    auto timeout = std::chrono::seconds(QueryInt(r, "timeout", kDefaultTimeout, 0, kMaxTimeout));
    // Without a cursor an empty answer hands out the log's end, taken before
    // reading so that an event written meanwhile is not skipped.
    std::int64_t empty_next = start ? *start : s.events.LastSeq(query.tenant_id);
    auto events = s.events.Read(query);
    if (!events.empty() || timeout.count() == 0) return reply(Response::Json(200, Page(events, empty_next)));
    s.events.Wait(query, timeout, [reply, empty_next](service::EventService::Events found) {
      reply(Response::Json(200, Page(found, empty_next)));
    });
  });
}

void RegisterStreams(Router& router, service::Services& s) {
  auto consumers = std::make_shared<StreamConsumers>();
  s.infra.metrics().AddCollector([consumers](Metrics::Writer& w) {
    const char* help = "Event consumers connected now, by transport (sse: /v1/events/stream, websocket: /v1/ws)";
    w.Gauge("tgmux_event_consumers", help, "transport=\"sse\"", consumers->sse.load());
    w.Gauge("tgmux_event_consumers", help, "transport=\"websocket\"", consumers->websocket.load());
  });
  router.Add("GET", "/v1/events/stream", kRead, [&s, consumers](const Request& r, const Reply& reply) {
    auto query = Filter(r, s);
    query.after = StreamStart(r, s, query.tenant_id);
    Response response;
    response.content_type = "text/event-stream";
    response.headers = {{"Cache-Control", "no-store"}, {"X-Accel-Buffering", "no"}};
    response.stream = std::make_shared<EventStream>(s.events, query, EventStream::Format::kSse, kKeepAlive,
                                                    consumers);
    reply(std::move(response));
  });
  router.Add("GET", "/v1/ws", kRead, [&s, consumers](const Request& r, const Reply& reply) {
    auto query = Filter(r, s);
    if (ToLower(r.Header("upgrade")) != "websocket") {
      throw Error(ErrorCode::kInvalidRequest, "/v1/ws is a WebSocket: connect with Upgrade: websocket");
    }
    query.after = StreamStart(r, s, query.tenant_id);
    Response response;
    response.websocket = true;
    response.stream = std::make_shared<EventStream>(s.events, query, EventStream::Format::kWebSocket,
                                                    kKeepAlive, consumers);
    reply(std::move(response));
  });
}

}  // namespace

void RegisterEventRoutes(Router& router, service::Services& services) {
  RegisterLongPoll(router, services);
  RegisterStreams(router, services);
}

}  // namespace tgmux::api
