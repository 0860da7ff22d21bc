#include "api/router.h"

#include <spdlog/spdlog.h>

#include <algorithm>
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
Error StoreUnavailableError(const std::string& request_id, const std::string& what, const store::StoreUnavailable& e) {
  if (StoreWarningDue()) {
    spdlog::warn("request_id={} {}: {} (answered 503 store_unavailable; this is logged at most every {} s)",
                 request_id, what, e.what(), kStoreWarnSeconds);
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

// Counts an answered request and writes its access log line.
void Record(Metrics& metrics, const std::string& labels, const std::string& method, const std::string& route,
            int status, std::chrono::steady_clock::time_point started, const std::string& request_id) {
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started).count();
  metrics.Increment("tgmux_http_requests_total", "HTTP requests by route and status",
                    labels + ",status=" + LabelValue(std::to_string(status)));
  spdlog::info("http {} {} {} {:.1f}ms request_id={}", method, route, status, ms, request_id);
}

// Every answer to an allowed origin says so, problems included, so that its page can read them.
void AddCors(Response& r, const std::string& origin) {
  r.headers.emplace_back("Access-Control-Allow-Origin", origin);
  r.headers.emplace_back("Vary", "Origin");
  r.headers.emplace_back("Access-Control-Expose-Headers", "Retry-After, Location, X-Request-Id");
}

std::string RouteLabels(const std::string& method, const std::string& route) {
  return "method=" + LabelValue(method) + ",route=" + LabelValue(route);
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

void Router::AddQuick(const std::string& method, const std::string& pattern, Access access, QuickHandler quick,
                      Handler handler) {
  routes_.push_back(Route{RouteInfo{method, pattern, access}, SplitPath(pattern), std::move(handler), std::move(quick)});
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
    throw StoreUnavailableError(request.request_id, request.method + " " + route->info.pattern, e);
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
  auto is_param = [](const std::string& want) { return want.size() > 2 && want.front() == '{' && want.back() == '}'; };
  if (route.segments.size() != segments.size()) return false;
  // Every literal first, without allocating: most routes fail here.
  for (std::size_t i = 0; i < segments.size(); ++i) {
    if (!is_param(route.segments[i]) && route.segments[i] != segments[i]) return false;
  }
  std::map<std::string, std::string> params;
  for (std::size_t i = 0; i < segments.size(); ++i) {
    const auto& want = route.segments[i];
    if (is_param(want)) params[want.substr(1, want.size() - 2)] = segments[i];
  }
  request.params = std::move(params);
  return true;
}

Reply Router::Instrumented(const Request& request, const std::string& route, Reply reply, bool in_flight) const {
  auto started = std::chrono::steady_clock::now();
  std::string labels = RouteLabels(request.method, route);
  if (in_flight) in_flight_->Add(labels, 1);
  return Reply([this, reply, route, started, labels, in_flight, method = request.method,
                id = request.request_id](Response r) {
    if (in_flight) in_flight_->Add(labels, -1);
    Record(metrics_, labels, method, route, r.status, started, id);
    reply(std::move(r));
  });
}

Reply Router::Answering(const Request& request, const std::string& route, Reply reply, bool in_flight) const {
  auto answer = Instrumented(request, route, std::move(reply), in_flight);
  std::string origin = AllowedOrigin(request);
  if (origin.empty()) return answer;
  return Reply([answer, origin](Response r) {
    AddCors(r, origin);
    answer(std::move(r));
  });
}

bool Router::Gated(const std::vector<std::string>& segments) const {
  Request scratch;
  return std::any_of(gates_.begin(), gates_.end(), [&](const auto& gate) {
    return Match(Route{RouteInfo{}, gate.first, nullptr, nullptr}, segments, scratch);
  });
}

std::optional<Response> Router::TryQuick(Request& request) const {
  const auto started = std::chrono::steady_clock::now();
  bool path_known = false;
  const auto segments = SplitPath(request.path);
  const Route* found = Find(request.method, segments, request, path_known);
  if (!found || !found->quick || Gated(segments)) return std::nullopt;
  std::optional<Response> answer;
  try {
    if (!found->info.access.is_public) {
      auto principal = quick_authenticator_ ? quick_authenticator_(request) : std::nullopt;
      // Refusals (401, 403) are rare and need the store's word: Dispatch gives them.
      if (!principal || !principal->AtLeast(found->info.access.min_role)) return std::nullopt;
      request.principal = std::move(principal);
    }
    answer = found->quick(request);
  } catch (const Error&) {
    answer.reset();  // Dispatch answers it again, the same way
  } catch (const std::exception&) {
    answer.reset();
  }
  if (!answer) {
    request.principal.reset();
    return std::nullopt;
  }
  // Not in flight: it is answered before anyone could see it waiting.
  if (std::string origin = AllowedOrigin(request); !origin.empty()) AddCors(*answer, origin);
  Record(metrics_, RouteLabels(request.method, found->info.pattern), request.method, found->info.pattern,
         answer->status, started, request.request_id);
  return answer;
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
    Route probe{RouteInfo{}, pattern, nullptr, nullptr};
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
  auto answer = Answering(request, found ? found->info.pattern : "unmatched", reply);
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
    if (forwarder_) {
      if (auto forwarded = forwarder_(found->info, request)) {
        answer(std::move(*forwarded));
        return;
      }
    }
    found->handler(request, answer);
  } catch (...) {
    answer(ProblemForException(std::current_exception(), request.request_id,
                               request.method + " " + found->info.pattern, request.path));
  }
}

Response ProblemForException(std::exception_ptr error, const std::string& request_id, const std::string& what,
                             const std::string& instance) {
  try {
    std::rethrow_exception(error);
  } catch (const Error& e) {
    return Response::Problem(e, instance);
  } catch (const store::StoreUnavailable& e) {
    return Response::Problem(StoreUnavailableError(request_id, what, e), instance);
  } catch (const std::exception& e) {
    spdlog::error("request_id={} {} failed: {}", request_id, what, e.what());
  } catch (...) {
    spdlog::error("request_id={} {} failed", request_id, what);
  }
  return Response::Problem(Error(ErrorCode::kInternal, "internal error (request id " + request_id + ")"), instance);
}

std::vector<RouteInfo> Router::Routes() const {
  std::vector<RouteInfo> out;
  for (const auto& route : routes_) out.push_back(route.info);
  return out;
}

}  // namespace tgmux::api
