// The SQLite dialect of sql.h, over SQLiteCpp.
#include "store/sql_sqlite.h"

#include <SQLiteCpp/SQLiteCpp.h>
#include <sqlite3.h>

#include <cctype>
#include <utility>

namespace tgmux::store::sql {
namespace {

Error Translate(const SQLite::Exception& e) {
  const int code = e.getExtendedErrorCode();
  const bool unique = code == SQLITE_CONSTRAINT_UNIQUE || code == SQLITE_CONSTRAINT_PRIMARYKEY;
  return Error(unique ? Error::Kind::kUniqueViolation : Error::Kind::kOther, e.what());
}

template <typename F>
auto Guarded(F&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const SQLite::Exception& e) {
    throw Translate(e);
  }
}

class SqlitePrepared final : public Prepared {
 public:
  SqlitePrepared(SQLite::Database& db, const std::string& sql) : statement_(db, sql) {}

  void BindText(int index, std::string_view text) override {
    Guarded([&] { statement_.bind(index, std::string(text)); });
  }
  void BindInt(int index, std::int64_t value) override {
    Guarded([&] { statement_.bind(index, static_cast<int64_t>(value)); });
  }
  void BindBytes(int index, std::string_view bytes) override {
    const void* data = bytes.empty() ? static_cast<const void*>("") : bytes.data();
    Guarded([&] { statement_.bind(index, data, static_cast<int>(bytes.size())); });
  }
  int Exec() override {
    return Guarded([&] {
      int changed = statement_.exec();
      return changed;
    });
  }
  bool Step() override {
    return Guarded([&] { return statement_.executeStep(); });
  }
  std::string Text(int column) override {
    return Guarded([&] { return statement_.getColumn(column).getString(); });
  }
  std::int64_t Int64(int column) override {
    return Guarded([&] { return static_cast<std::int64_t>(statement_.getColumn(column).getInt64()); });
  }
  void Reset() override {
    Guarded([&] {
      statement_.reset();
      statement_.clearBindings();
    });
  }

 private:
  SQLite::Statement statement_;
};

class SqliteConnection final : public Connection {
 public:
  SqliteConnection(const std::string& path, int flags, int busy_timeout_ms)
      : db_(Guarded([&] { return SQLite::Database(path, flags, busy_timeout_ms); })) {}
  ~SqliteConnection() override { DropPrepared(); }

  Dialect dialect() const override { return Dialect::kSqlite; }
  void ExecScript(const std::string& sql) override {
    Guarded([&] { db_.exec(sql); });
  }

 protected:
  std::unique_ptr<Prepared> Prepare(const std::string& sql) override {
    return Guarded([&] { return std::make_unique<SqlitePrepared>(db_, sql); });
  }

 private:
  SQLite::Database db_;
};

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

}  // namespace

std::string ReadOnlySqliteUri(const std::filesystem::path& path) {
  std::error_code ec;
  const bool has_wal = std::filesystem::exists(path.string() + "-wal", ec);
  return "file:" + PercentEncode(std::filesystem::absolute(path).string()) +
         (has_wal ? "?mode=ro" : "?immutable=1");
}

std::unique_ptr<Connection> OpenSqliteReadOnly(const std::filesystem::path& path, int busy_timeout_ms) {
  return std::make_unique<SqliteConnection>(ReadOnlySqliteUri(path), SQLite::OPEN_READONLY | SQLite::OPEN_URI,
                                            busy_timeout_ms);
}

std::unique_ptr<Connection> OpenSqlite(const std::string& path, bool read_only, int busy_timeout_ms) {
  const int flags = read_only ? SQLite::OPEN_READONLY : SQLite::OPEN_READWRITE | SQLite::OPEN_CREATE;
  return std::make_unique<SqliteConnection>(path, flags, busy_timeout_ms);
}

}  // namespace tgmux::store::sql
