// Internal to store/: small pieces every SQLite table file uses.
#pragma once

#include <SQLiteCpp/SQLiteCpp.h>

#include <string_view>

namespace tgmux::store {

// Binds bytes as a BLOB; an empty value stays an empty blob, not NULL.
inline void BindBlob(SQLite::Statement& statement, int index, std::string_view bytes) {
  const void* data = bytes.empty() ? static_cast<const void*>("") : bytes.data();
  statement.bind(index, data, static_cast<int>(bytes.size()));
}

}  // namespace tgmux::store
