// Internal to store/: the one seam between the store's SQL and its database.
// The table code (sql_*.cpp) writes its statements once, in SQLite's
// placeholder form (`?`, `?N`), through Connection and Statement; the dialect
// layer (sql_sqlite.cpp, sql_postgres.cpp) runs them, and the few fragments
// that differ between the two databases come from the functions below, never
// from `if (postgres)` in the table code.
#pragma once

#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <unordered_map>
#include <vector>

namespace tgmux::store::sql {

enum class Dialect { kSqlite, kPostgres };

// A statement or connection failed. The message is the database's reason and
// never holds a password.
class Error : public std::runtime_error {
 public:
  enum class Kind { kOther, kUniqueViolation, kConnectionLost };
  Error(Kind kind, const std::string& what) : std::runtime_error(what), kind_(kind) {}
  Kind kind() const { return kind_; }
  bool unique_violation() const { return kind_ == Kind::kUniqueViolation; }

 private:
  Kind kind_;
};

// One prepared statement of one connection (implemented per dialect).
class Prepared {
 public:
  virtual ~Prepared() = default;
  virtual void BindText(int index, std::string_view text) = 0;
  virtual void BindInt(int index, std::int64_t value) = 0;
  virtual void BindBytes(int index, std::string_view bytes) = 0;
  // Runs a statement that gives no rows; returns the rows it changed.
  virtual int Exec() = 0;
  // The next row of a query (runs it on the first call); false after the last.
  virtual bool Step() = 0;
  // A column of the current row: text or bytes, or an integer.
  virtual std::string Text(int column) = 0;
  virtual std::int64_t Int64(int column) = 0;
  // Ready to be bound and run again, bindings cleared.
  virtual void Reset() = 0;
};

// One database connection. Not thread-safe: one caller at a time (the store's
// pool hands each call its own). Prepared statements are kept per connection,
// keyed by their SQL.
class Connection {
 public:
  virtual ~Connection() = default;
  virtual Dialect dialect() const = 0;
  // Runs one or more statements without parameters (migrations, BEGIN, ...).
  virtual void ExecScript(const std::string& sql) = 0;
  // Opens a transaction; `for_writing` takes the write lock at once on SQLite
  // (BEGIN IMMEDIATE), which PostgreSQL does not need.
  void Begin(bool for_writing) { ExecScript(dialect() == Dialect::kSqlite && for_writing ? "BEGIN IMMEDIATE" : "BEGIN"); }

  // The statement kept for `sql`, or a new one when that one is in use (a
  // statement run while another of the same SQL still reads its rows).
  Prepared* Acquire(const std::string& sql, std::unique_ptr<Prepared>& owned);
  void Release(Prepared* prepared);

 protected:
  virtual std::unique_ptr<Prepared> Prepare(const std::string& sql) = 0;
  // Finalises the kept statements: the dialect's destructor calls it before
  // its connection closes (SQLite will not close one with live statements).
  void DropPrepared() {
    by_pointer_.clear();
    kept_.clear();
  }

 private:
  struct Kept {
    std::unique_ptr<Prepared> prepared;
    bool busy = false;
  };
  std::unordered_map<std::string, Kept> kept_;
  std::unordered_map<const Prepared*, Kept*> by_pointer_;
};

// A statement on a connection, for the length of one use: bind, then Exec or
// Step through the rows. Indexes start at 1 (parameters) and 0 (columns).
class Statement {
 public:
  Statement(Connection& connection, const std::string& sql);
  ~Statement();
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Integers (and bools, as 0/1) bind as integers, strings as text.
  template <typename T>
  void Bind(int index, const T& value) {
    if constexpr (std::is_integral_v<T>) {
      prepared_->BindInt(index, static_cast<std::int64_t>(value));
    } else {
      prepared_->BindText(index, std::string_view(value));
    }
  }
  // Bytes for a BLOB (SQLite) or bytea (PostgreSQL) column; "" stays an empty value, not NULL.
  void BindBytes(int index, std::string_view bytes) { prepared_->BindBytes(index, bytes); }
  int Exec() { return prepared_->Exec(); }
  bool Step() { return prepared_->Step(); }
  std::string Text(int column) { return prepared_->Text(column); }
  std::int64_t Int64(int column) { return prepared_->Int64(column); }
  int Int(int column) { return static_cast<int>(prepared_->Int64(column)); }
  void Reset() { prepared_->Reset(); }

 private:
  Connection& connection_;
  std::unique_ptr<Prepared> owned_;
  Prepared* prepared_;
};

// Binds `values` to ?1, ?2, ... in order.
template <typename... T>
void BindAll(Statement& statement, const T&... values) {
  int index = 0;
  (statement.Bind(++index, values), ...);
}

// A transaction that rolls back unless committed.
class Transaction {
 public:
  explicit Transaction(Connection& connection, bool for_writing = false);
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  void Commit();

 private:
  Connection& connection_;
  bool open_ = true;
};

// The fragments that differ between the dialects.
// " INDEXED BY <index>" on SQLite (its planner needs the hint); "" elsewhere.
std::string IndexedBy(const Connection& connection, std::string_view index);
// The larger of two values: MAX(a, b) on SQLite, GREATEST(a, b) on PostgreSQL.
std::string Greatest(const Connection& connection, std::string_view a, std::string_view b);
// " FOR UPDATE" on PostgreSQL (a row lock for the transaction); "" on SQLite,
// whose write transactions are already exclusive.
std::string ForUpdate(const Connection& connection);

// "INSERT INTO table (columns) VALUES (?1, ...) ON CONFLICT (keys) DO UPDATE
// SET <every other column> = excluded.<column>": insert or replace the row
// with the same keys, on both dialects. `columns` and `keys` are comma-separated.
std::string Upsert(std::string_view table, std::string_view columns, std::string_view keys);

// A SQLite-form statement (`?`, `?N`) in PostgreSQL's form (`$N`); quoted
// text is left alone. SQLite's numbers that the statement does not use
// (UPDATE leaving a column of a shared binding out) are left out, since
// PostgreSQL cannot type them: `numbers`, when given, gets for each SQLite
// number its PostgreSQL one (0: unused).
std::string PostgresPlaceholders(std::string_view sql, std::vector<int>* numbers = nullptr);

}  // namespace tgmux::store::sql
