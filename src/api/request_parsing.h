// Plain-string helpers for turning an HTTP request line into a Request.
#pragma once

#include <atomic>
#include <map>
#include <string>
#include <string_view>

#include "api/http.h"

namespace tgmux::api {

// Decodes %XX escapes (and '+' as space when plus_is_space); malformed escapes are kept as they are.
std::string PercentDecode(std::string_view text, bool plus_is_space);
// "/a%20b?x=1&y" gives path "/a b" and query {x:1, y:""}.
void SplitTarget(std::string_view target, std::string& path, std::map<std::string, std::string>& query);
std::string ToLower(std::string_view text);
// A problem response for a request that could not be read (400, 413, 431).
Response ProblemForStatus(int status);
// 413 naming the limit that was passed.
Response PayloadTooLarge(std::size_t limit);

// Request ids: the client's X-Request-Id when it is short and plain, else a new one.
class RequestIds {
 public:
  RequestIds();
  std::string Next();
  std::string Accept(const std::string& offered);

 private:
  std::string prefix_;
  std::atomic<unsigned long long> counter_{0};
};

}  // namespace tgmux::api
