#include "tests/support/list_pages.h"

#include <gtest/gtest.h>

namespace tgmux::testing {

std::vector<nlohmann::json> FollowPages(const HttpClient& http, const std::string& first, const std::string& cursor) {
  std::vector<nlohmann::json> pages;
  std::string separator = first.find('?') == std::string::npos ? "?" : "&";
  std::string target = cursor.empty() ? first : first + separator + "cursor=" + cursor;
  for (int i = 0; i < 100; ++i) {
    auto answer = http.Get(target);
    EXPECT_EQ(answer.status, 200) << target << ": " << answer.body;
    if (answer.status != 200) break;
    pages.push_back(answer.Json());
    const nlohmann::json& next = pages.back()["next_cursor"];
    if (next.is_null()) break;
    target = first + separator + "cursor=" + next.get<std::string>();
    EXPECT_FALSE(pages.back()["items"].empty()) << "a page with a cursor but nothing in it";
  }
  return pages;
}

std::vector<std::int64_t> ItemIds(const std::vector<nlohmann::json>& pages, const std::string& field) {
  std::vector<std::int64_t> ids;
  for (const auto& page : pages) {
    for (const auto& item : page["items"]) ids.push_back(item[field]);
  }
  return ids;
}

}  // namespace tgmux::testing
