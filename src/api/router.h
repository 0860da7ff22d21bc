// Routes requests to handlers by method and path pattern ("/v1/logins/{id}/code"),
// authenticates them (every route declares who may call it), turns exceptions
// into problem responses in one place, and counts requests by route and status
// (and those in flight) for /metrics.
#pragma once

#include <exception>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"
#include "common/metrics.h"

namespace tgmux::api {

// Who may call a route: anyone, or an authenticated principal with at least a role.
struct Access {
  bool is_public = false;
  service::Role min_role = service::Role::kOperator;

  static Access Public() { return {true, service::Role::kOperator}; }
  static Access AtLeast(service::Role role) { return {false, role}; }
  // "public", "operator", "admin", "owner".
  std::string Name() const;
};

struct RouteInfo {
  std::string method;
  std::string pattern;
  Access access;
  bool upload = false;  // takes multipart/form-data bodies up to the upload limit
};

class Router {
 public:
  // Turns a request into its principal; throws Error(unauthorized).
  using Authenticator = std::function<service::Principal(const Request&)>;
  // The same, from memory only: nullopt when that needs the store (see
  // service::AuthService::AuthenticateCached). Runs on network threads.
  using QuickAuthenticator = std::function<std::optional<service::Principal>(const Request&)>;
  // A route's answer from memory, without blocking: nullopt when it needs the
  // store or other blocking work, and then the route's Handler answers on the
  // worker pool instead. May throw Error like a Handler.
  using QuickHandler = std::function<std::optional<Response>(const Request&)>;

  explicit Router(Metrics& metrics);

  void Add(const std::string& method, const std::string& pattern, Access access, Handler handler);
  // A route that can often answer on the network thread (`quick`), and
  // otherwise (or when its caller is not authenticated from memory) as usual.
  void AddQuick(const std::string& method, const std::string& pattern, Access access, QuickHandler quick,
                Handler handler);
  // A route that also takes multipart/form-data bodies up to the server's
  // upload limit, received into Request::form. Other bodies keep the usual limit.
  void AddUpload(const std::string& method, const std::string& pattern, Access access, Handler handler);
  // Before a body is read: true when the request goes to an upload route, which
  // is then authorized at once (throws Error: unauthorized, forbidden), so that
  // a large body is never read for a caller who may not send it.
  bool TakesUpload(Request& request) const;
  // Until set, every non-public route answers 401.
  void SetAuthenticator(Authenticator authenticator) { authenticator_ = std::move(authenticator); }
  // Until set, only public quick routes answer on the network thread.
  void SetQuickAuthenticator(QuickAuthenticator authenticator) { quick_authenticator_ = std::move(authenticator); }
  // Browsers on these exact origins ("http://127.0.0.1:5173") may call every
  // route: their preflights (OPTIONS) are answered and every answer to them
  // carries Access-Control-Allow-Origin. Other origins get no CORS headers.
  // Credentials (cookies) are never allowed cross-origin. Before serving.
  void SetCorsOrigins(std::vector<std::string> origins) { cors_origins_ = std::move(origins); }
  // Looks at every request to a path of `pattern` before it is authenticated;
  // a response it returns answers the request instead (the MCP endpoint's
  // Origin check, DNS-rebinding protection). Before serving.
  using Gate = std::function<std::optional<Response>(const Request&)>;
  void AddGate(const std::string& pattern, Gate gate);
  // Runs once a request is authorized, before its route's handler (on the
  // worker pool; never for a route answered quickly); an answer it returns
  // answers the request instead. Several nodes: a request for an account
  // another node runs is answered by that node; one another node forwarded
  // gets its client's address (remote_ip) from it. Before serving.
  using Forwarder = std::function<std::optional<Response>(const RouteInfo& route, Request& request)>;
  void SetForwarder(Forwarder forwarder) { forwarder_ = std::move(forwarder); }

  // Finds the route, fills request.params, runs its path's gates, authenticates
  // (401) and checks the role (403), then calls its handler. Unknown paths
  // answer 404, known paths with another method 405 (with Allow), but OPTIONS
  // on a known path answers 204 (a CORS preflight, see SetCorsOrigins). Never throws.
  void Dispatch(Request request, Reply reply) const;
  // On a network thread, before Dispatch: the answer of a quick route when it
  // is known from memory (counted, logged and given CORS headers like any
  // other), else nullopt and the request is left for Dispatch. Never blocks,
  // never throws.
  std::optional<Response> TryQuick(Request& request) const;

  // Every route registered, in order (for docs and the tenant-isolation test).
  std::vector<RouteInfo> Routes() const;

 private:
  struct Route {
    RouteInfo info;
    std::vector<std::string> segments;
    Handler handler;
    QuickHandler quick;
  };
  const Route* Find(const std::string& method, const std::vector<std::string>& segments, Request& request,
                    bool& path_known) const;
  static bool Match(const Route& route, const std::vector<std::string>& segments, Request& request);
  Reply Instrumented(const Request& request, const std::string& route, Reply reply, bool in_flight = true) const;
  // Instrumented, plus the CORS headers of an allowed origin.
  Reply Answering(const Request& request, const std::string& route, Reply reply, bool in_flight = true) const;
  bool Gated(const std::vector<std::string>& segments) const;
  void Authorize(const Route& route, Request& request) const;
  // The request's Origin when it is allowed, else "".
  std::string AllowedOrigin(const Request& request) const;
  // The answer to OPTIONS on a known path: the methods it takes, and the preflight's headers for an allowed origin.
  Response Preflight(const std::vector<std::string>& segments, const std::string& origin) const;
  // "GET, POST, OPTIONS": the methods a known path takes.
  std::string AllowedMethods(const std::vector<std::string>& segments) const;
  // The answer of the first gate of the request's path that answers, if any.
  std::optional<Response> Gated(const std::vector<std::string>& segments, const Request& request) const;

  // Requests dispatched and not answered yet, by their metric labels; shared
  // with the metrics collector, which may outlive the router.
  struct InFlight {
    std::mutex mutex;
    std::map<std::string, int> by_labels;
    void Add(const std::string& labels, int delta);
  };

  Metrics& metrics_;
  std::shared_ptr<InFlight> in_flight_ = std::make_shared<InFlight>();
  Authenticator authenticator_;
  QuickAuthenticator quick_authenticator_;
  std::vector<std::string> cors_origins_;
  std::vector<Route> routes_;
  std::vector<std::pair<std::vector<std::string>, Gate>> gates_;
  Forwarder forwarder_;
};

// The answer to what a handler threw: an Error's problem; 503
// store_unavailable (with Retry-After) when the store cannot be reached; 500
// internal otherwise, logged with the request id and `what` ("POST /v1/x").
Response ProblemForException(std::exception_ptr error, const std::string& request_id, const std::string& what,
                             const std::string& instance);

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace tgmux::api
