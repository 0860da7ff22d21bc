// PeekSqliteMeta: reads one meta value before anything on disk may change (the
// master key is checked against the data before the store is opened for writing).
#include <SQLiteCpp/SQLiteCpp.h>

#include <cctype>
#include <string>

#include "store/store.h"

namespace tgmux::store {
namespace {

namespace fs = std::filesystem;

std::string PercentEncode(const std::string& path) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : path) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    }
  }
  return out;
}

// Even a read-only connection to a WAL database creates -wal and -shm files and
// cannot remove them. Without a -wal file the database was closed cleanly and
// the main file holds everything, so it is read as immutable: no locks, no new
// files. With one (a crash, or a running tgmux) the WAL must be read too.
std::string ReadOnlyUri(const fs::path& path) {
  std::error_code ec;
  const bool has_wal = fs::exists(path.string() + "-wal", ec);
  return "file:" + PercentEncode(fs::absolute(path).string()) +
         (has_wal ? "?mode=ro" : "?immutable=1");
}

}  // namespace

std::optional<std::string> PeekSqliteMeta(const fs::path& path, std::string_view key) {
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    if (ec) throw StoreError("cannot read database " + path.string() + ": " + ec.message());
    return std::nullopt;
  }
  try {
    SQLite::Database db(ReadOnlyUri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI, 5000);
    if (!db.tableExists("meta")) return std::nullopt;
    SQLite::Statement query(db, "SELECT value FROM meta WHERE key = ?");
    query.bind(1, std::string(key));
    if (!query.executeStep()) return std::nullopt;
    return query.getColumn(0).getString();
  } catch (const SQLite::Exception& e) {
    throw StoreError("cannot read database " + path.string() + ": " + e.what());
  }
}

}  // namespace tgmux::store
