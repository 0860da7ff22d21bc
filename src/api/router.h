// Routes requests to handlers by method and path pattern ("/v1/logins/{id}/code"),
// turns exceptions into problem responses in one place, and counts requests by
// route and status for /metrics.
#pragma once

#include <string>
#include <vector>

#include "api/http.h"
#include "common/metrics.h"

namespace tgmux::api {

class Router {
 public:
  explicit Router(Metrics& metrics);

  void Add(const std::string& method, const std::string& pattern, Handler handler);

  // Finds the route, fills request.params and calls its handler. Unknown paths
  // answer 404, known paths with another method 405. Never throws.
  void Dispatch(Request request, Reply reply) const;

  // The patterns registered, "METHOD /path/{param}" (for docs and isolation tests).
  std::vector<std::string> Routes() const;

 private:
  struct Route {
    std::string method;
    std::string pattern;
    std::vector<std::string> segments;
    Handler handler;
  };
  static bool Match(const Route& route, const std::vector<std::string>& segments, Request& request);
  Reply Instrumented(const Request& request, const std::string& route, Reply reply) const;

  Metrics& metrics_;
  std::vector<Route> routes_;
};

// Splits "/a/b/c" into {"a","b","c"}.
std::vector<std::string> SplitPath(const std::string& path);

}  // namespace tgmux::api
