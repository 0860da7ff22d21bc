// Internal to store/: the SQL of the meta table (store.h, GetMeta and SetMeta:
// settings and sealed keys by name), as free functions over a connection the
// caller holds.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "store/sql.h"

namespace tgmux::store::sql_meta {

std::optional<std::string> Get(sql::Connection& db, std::string_view key);
void Set(sql::Connection& db, std::string_view key, std::string_view value);
// False when the key has a value already (which stays).
bool InsertIfAbsent(sql::Connection& db, std::string_view key, std::string_view value);
void Remove(sql::Connection& db, std::string_view key);

}  // namespace tgmux::store::sql_meta
