#include "api/router.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <limits>

#include "store/store.h"

namespace tgmux::api {
namespace {

// Retry-After on 503 store_unavailable: PostgreSQL restarts in seconds.
constexpr int kStoreRetrySeconds = 5;
constexpr std::int64_t kStoreWarnSeconds = 10;

bool StoreWarningDue();

// 503 store_unavailable for a request the store failed: nothing was accepted,
// and the caller retries (with the same Idempotency-Key for a send).
Error StoreUnavailableError(const Request& request, const std::string& pattern, const store::StoreUnavailable& e) {
  if (StoreWarningDue()) {
    spdlog::warn("request_id={} {} {}: {} (answered 503 store_unavailable; this is logged at most every {} s)",
                 request.request_id, request.method, pattern, e.what(), kStoreWarnSeconds);
  }
  return Error(ErrorCode::kStoreUnavailable, "the store cannot be reached; retry shortly", kStoreRetrySeconds);
}

// True at most once every kStoreWarnSeconds: one warning an outage, not one a request.
bool StoreWarningDue() {
  static std::atomic<std::int64_t> last{std::numeric_limits<std::int64_t>::min() / 2};
  const std::int64_t now =
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::steady_clock::now().time_since_epoch()).count();
  std::int64_t seen = last.load();
  return now - seen >= kStoreWarnSeconds && last.compare_exchange_strong(seen, now);
}

}  // namespace

std::vector<std::string> SplitPath(const std::string& path) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : path) {
    if (c == '/') {
      if (!current.empty()) parts.push_back(std::move(current));
      current.clear();
    } else {
      current += c;
    }
  }
  if (!current.empty()) parts.push_back(std::move(current));
  return parts;
}

std::string Access::Name() const { return is_public ? "public" : std::string(service::RoleName(min_role)); }

void Router::InFlight::Add(const std::string& labels, int delta) {
  std::lock_guard lock(mutex);
  by_labels[labels] += delta;
}

Router::Router(Metrics& metrics) : metrics_(metrics) {
  authenticator_ = [](const Request&) -> service::Principal {
    throw Error(ErrorCode::kUnauthorized, "authentication is not available");
  };
  metrics_.AddCollector([in_flight = in_flight_](Metrics::Writer& w) {
    std::lock_guard lock(in_flight->mutex);
    for (const auto& [labels, count] : in_flight->by_labels) {
      w.Gauge("tgmux_http_requests_in_flight", "HTTP requests being handled (long-polls and waits included), by route",
              labels, count);
    }
  });
}

void Router::Add(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back(Route{RouteInfo{method, pattern, access}, SplitPath(pattern), std::move(handler)});
}

void Router::AddUpload(const std::string& method, const std::string& pattern, Access access, Handler handler) {
  routes_.push_back(Route{RouteInfo{method, pattern, access, true}, SplitPath(pattern), std::move(handler)});
}

const Router::Route* Router::Find(const std::string& method, const std::vector<std::string>& segments,
                                  Request& request, bool& path_known) const {
  path_known = false;
  for (const auto& route : routes_) {
    if (!Match(route, segments, request)) continue;
    path_known = true;
    if (route.info.method == method) return &route;
  }
  return nullptr;
}

bool Router::TakesUpload(Request& request) const {
  bool path_known = false;
  const Route* route = Find(request.method, SplitPath(request.path), request, path_known);
  if (!route || !route->info.upload) return false;
  try {
    Authorize(*route, request);
  } catch (const store::StoreUnavailable& e) {
    throw StoreUnavailableError(request, route->info.pattern, e);
  }
  return true;
}

void Router::Authorize(const Route& route, Request& request) const {
  if (route.info.access.is_public) return;
  request.principal = authenticator_(request);
  if (!request.principal->AtLeast(route.info.access.min_role)) {
    throw Error(ErrorCode::kForbidden, "this needs the " + route.info.access.Name() + " role or higher; yours is " +
                                           std::string(service::RoleName(request.principal->role)));
  }
}

bool Router::Match(const Route& route, const std::vector<std::string>& segments, Request& request) {
  if (route.segments.size() != segments.size()) return false;
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& want = route.segments[i];
    if (want.size() > 2 && want.front() == '{' && want.back() == '}') {
      params[want.substr(1, want.size() - 2)] = segments[i];
    } else if (want != segments[i]) {
      return false;
    }
  }
  request.params = std::move(params);
  return true;
}

Reply Router::Instrumented(const Request& request, const std::string& route, Reply reply) const {
  auto started = std::chrono::steady_clock::now();
  std::string labels = "method=" + LabelValue(request.method) + ",route=" + LabelValue(route);
  in_flight_->Add(labels, 1);
  return Reply([this, reply, route, started, labels, method = request.method, id = request.request_id](Response r) {
    in_flight_->Add(labels, -1);
    auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
    metrics_.Increment("tgmux_http_requests_total", "HTTP requests by route and status",
                       "method=" + LabelValue(method) + ",route=" + LabelValue(route) +
                           ",status=" + LabelValue(std::to_string(r.status)));
    spdlog::info("http {} {} {} {:.1f}ms request_id={}", method, route, r.status, ms, id);
    reply(std::move(r));
  });
}

std::string Router::AllowedOrigin(const Request& request) const {
  std::string origin = request.Header("origin");
  if (origin.empty()) return "";
  for (const auto& allowed : cors_origins_) {
    if (allowed == origin) return origin;
  }
  return "";
}

void Router::AddGate(const std::string& pattern, Gate gate) { gates_.emplace_back(SplitPath(pattern), std::move(gate)); }

std::optional<Response> Router::Gated(const std::vector<std::string>& segments, const Request& request) const {
  for (const auto& [pattern, gate] : gates_) {
    Route probe{RouteInfo{}, pattern, nullptr};
    Request scratch;
    if (!Match(probe, segments, scratch)) continue;
    if (auto answer = gate(request)) return answer;
  }
  return std::nullopt;
}

std::string Router::AllowedMethods(const std::vector<std::string>& segments) const {
  std::string methods;
  Request scratch;
  for (const auto& route : routes_) {
    if (!Match(route, segments, scratch)) continue;
    if (methods.find(route.info.method) == std::string::npos) methods += route.info.method + ", ";
  }
  return methods + "OPTIONS";
}

Response Router::Preflight(const std::vector<std::string>& segments, const std::string& origin) const {
  std::string methods = AllowedMethods(segments);
  Response r = Response::NoContent();
  r.headers.emplace_back("Allow", methods);
  if (origin.empty()) return r;
  r.headers.emplace_back("Access-Control-Allow-Methods", methods);
  r.headers.emplace_back("Access-Control-Allow-Headers",
                         "Authorization, Content-Type, Idempotency-Key, X-CSRF-Token, X-Request-Id");
  r.headers.emplace_back("Access-Control-Max-Age", "600");
  return r;
}

void Router::Dispatch(Request request, Reply reply) const {
  bool path_known = false;
  const auto segments = SplitPath(request.path);
  const Route* found = Find(request.method, segments, request, path_known);
  auto answer = Instrumented(request, found ? found->info.pattern : "unmatched", reply);
  if (std::string origin = AllowedOrigin(request); !origin.empty()) {
    // Every answer to an allowed origin says so, problems included, so that its page can read them.
    answer = Reply([answer, origin](Response r) {
      r.headers.emplace_back("Access-Control-Allow-Origin", origin);
      r.headers.emplace_back("Vary", "Origin");
      r.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After, Location, X-Request-Id");
      answer(std::move(r));
    });
  }
  if (!found && path_known && request.method == "OPTIONS") {
    answer(Preflight(segments, AllowedOrigin(request)));
    return;
  }
  if (auto gated = Gated(segments, request)) {
    answer(std::move(*gated));
    return;
  }
  if (!found) {
    Error error(path_known ? ErrorCode::kMethodNotAllowed : ErrorCode::kNotFound,
                path_known ? "method " + request.method + " is not allowed here" : "no such resource");
    Response problem = Response::Problem(error, request.path);
    if (path_known) problem.headers.emplace_back("Allow", AllowedMethods(segments));
    answer(std::move(problem));
    return;
  }
  try {
    if (!request.principal) Authorize(*found, request);  // TakesUpload may have done it
    found->handler(request, answer);
  } catch (const Error& e) {
    answer.Fail(e, request.path);
  } catch (const store::StoreUnavailable& e) {
    answer.Fail(StoreUnavailableError(request, found->info.pattern, e), request.path);
  } catch (const std::exception& e) {
    spdlog::error("request_id={} {} {} failed: {}", request.request_id, request.method, found->info.pattern, e.what());
    answer.Fail(Error(ErrorCode::kInternal, "internal error (request id " + request.request_id + ")"),
                request.path);
  }
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

}  // namespace tgmux::api
