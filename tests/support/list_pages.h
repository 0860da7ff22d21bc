// Following a list route's pages ({"items", "next_cursor"}, see src/api/pages.h) the
// way a client does, for end-to-end tests.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

#include "tests/support/tgmux_server.h"

namespace tgmux::testing {

// Every page of the list at `first` (a target with or without a query), from
// `cursor` when given, following next_cursor until it is null (at most 100 pages).
// Fails the test on an answer other than 200 and on a page that hands out a cursor
// but holds nothing.
std::vector<nlohmann::json> FollowPages(const HttpClient& http, const std::string& first,
                                        const std::string& cursor = "");

// The `field` of every item of `pages`, in order.
std::vector<std::int64_t> ItemIds(const std::vector<nlohmann::json>& pages, const std::string& field);

}  // namespace tgmux::testing
