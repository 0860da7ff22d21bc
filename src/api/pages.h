// The one shape of every list route: it reads `limit` and `cursor` from the
// query and answers {"items": [...], "next_cursor": "..." or null}. A cursor
// is an opaque string that only this API hands out (the previous answer's
// next_cursor); clients pass it back as it is.
#pragma once

#include <cstdint>
#include <iterator>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "api/http.h"

namespace tgmux::api {

// A route's documented page size: `fallback` when `limit` is absent, at most `max`.
struct PageSize {
  int fallback = 50;
  int max = 100;
};

struct PageRequest {
  int limit = 50;
  std::optional<std::string> cursor;  // nullopt: the first page (no or an empty `cursor`)
};

// `limit` (1..size.max) and `cursor`; Error(invalid_request) naming `limit` when it is out of range.
PageRequest ReadPage(const Request& request, PageSize size);

// Error(invalid_request) naming `cursor` (or `name`, a synonym), for a cursor this API did not hand out.
Error BadCursor(const std::string& name = "cursor");
// A cursor that holds a whole number from `min` up; else BadCursor(name).
std::int64_t CursorNumber(const std::string& cursor, std::int64_t min, const std::string& name = "cursor");

// {"items": items, "next_cursor": next_cursor or null}.
nlohmann::json PageJson(nlohmann::json items, const std::optional<std::string>& next_cursor);

// One page of a list the service answers whole, in a stable order: the items
// after the one whose id is the cursor. The cursor is that id, so an item
// removed meanwhile makes its cursor invalid (BadCursor).
template <class T, class IdOf, class Render>
nlohmann::json SlicePage(const std::vector<T>& all, const PageRequest& page, IdOf id_of, Render render) {
  auto it = all.begin();
  if (page.cursor) {
    while (it != all.end() && id_of(*it) != *page.cursor) ++it;
    if (it == all.end()) throw BadCursor();
    ++it;
  }
  nlohmann::json items = nlohmann::json::array();
  std::optional<std::string> next;
  for (; it != all.end(); ++it) {
    if (static_cast<int>(items.size()) == page.limit) {
      next = id_of(*std::prev(it));
      break;
    }
    items.push_back(render(*it));
  }
  return PageJson(std::move(items), next);
}

}  // namespace tgmux::api
