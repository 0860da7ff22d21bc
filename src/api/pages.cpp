#include "api/pages.h"

#include <charconv>

#include "api/views.h"

namespace tgmux::api {

PageRequest ReadPage(const Request& request, PageSize size) {
  PageRequest page;
  page.limit = static_cast<int>(QueryInt(request, "limit", size.fallback, 1, size.max));
  if (auto it = request.query.find("cursor"); it != request.query.end() && !it->second.empty()) {
    page.cursor = it->second;
  }
  return page;
}

Error BadCursor(const std::string& name) {
  return Error(ErrorCode::kInvalidRequest, name + " is not one this API handed out (pass next_cursor as it is)");
}

std::int64_t CursorNumber(const std::string& cursor, std::int64_t min, const std::string& name) {
  std::int64_t value = 0;
  auto [end, error] = std::from_chars(cursor.data(), cursor.data() + cursor.size(), value);
  if (error != std::errc() || end != cursor.data() + cursor.size() || cursor.empty() || value < min) {
    throw BadCursor(name);
  }
  return value;
}

nlohmann::json PageJson(nlohmann::json items, const std::optional<std::string>& next_cursor) {
  return {{"items", std::move(items)}, {"next_cursor", next_cursor ? nlohmann::json(*next_cursor) : nullptr}};
}

}  // namespace tgmux::api
