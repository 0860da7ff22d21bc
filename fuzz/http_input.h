// The text form of an HTTP request that http_request and api_routes read:
// "METHOD TARGET\n", header lines "name: value\n", an empty line, the body.
// The target is split and percent-decoded as the server does
// (api/request_parsing.h); header names are lower-cased.
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"
#include "api/request_parsing.h"

namespace tgmux::fuzz {

inline api::Request ReadRequest(std::string_view input) {
  api::Request request;
  auto line_end = input.find('\n');
  std::string_view line = input.substr(0, line_end);
  input = line_end == std::string_view::npos ? std::string_view() : input.substr(line_end + 1);
  auto space = line.find(' ');
  request.method = std::string(line.substr(0, space));
  std::string_view target = space == std::string_view::npos ? std::string_view() : line.substr(space + 1);
  api::SplitTarget(target, request.path, request.query);
  while (!input.empty()) {
    auto end = input.find('\n');
    std::string_view header = input.substr(0, end);
    input = end == std::string_view::npos ? std::string_view() : input.substr(end + 1);
    if (header.empty()) break;
    auto colon = header.find(':');
    if (colon == std::string_view::npos) continue;
    std::string_view value = header.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
    request.headers[api::ToLower(header.substr(0, colon))] = std::string(value);
  }
  request.body = std::string(input);
  return request;
}

}  // namespace tgmux::fuzz
